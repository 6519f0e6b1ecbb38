// Starts Swagger UI on the /docs page. A file of its own, not an inline script, so the
// page's Content-Security-Policy can allow scripts from this server only.
"use strict";

window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // No call to validator.swagger.io: the page works without the internet.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
