"""`/docs`: Swagger UI, served by taskhub itself from a pinned package.

The page and every file it loads come from this server: swagger-ui's distribution
(5.17, the first line to read OpenAPI 3.1) as the `openapi-ui-bundles` package ships it
(pinned in `constraints.txt`; swagger-ui and the package are both Apache-2.0, the
licence is in the package's metadata), and `static/docs.js`, which starts it.
Nothing is fetched from a CDN, so the page works offline and cannot be changed by a
third party. The page carries a Content-Security-Policy that lets it load scripts,
styles, images and API calls from this origin only (images also as `data:` URLs,
which swagger-ui's stylesheet uses for its icons), with no inline script at all.

swagger-ui's files live under a path naming their version and are cached for a year
(`immutable`): a new version is a new URL. The page and `docs.js` change with taskhub,
so they are revalidated on every load (`no-cache` with an `ETag`).
"""

import gzip
import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import metadata, resources
from pathlib import Path

import attrs
from openapi_ui_bundles import swagger_ui

from taskhub.platform.http.compression import MIN_BYTES, accepts_gzip
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes

SWAGGER_UI_DIR = Path(swagger_ui.static_path)
SWAGGER_UI_PREFIX = f"/docs/openapi-ui-bundles-{metadata.version('openapi-ui-bundles')}"
"""`/docs/openapi-ui-bundles-0.3.0`: the files' URL changes with the package's version."""

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"

_SWAGGER_FILES = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "index.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>taskhub API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="{SWAGGER_UI_PREFIX}/swagger-ui.css">
  <link rel="stylesheet" href="{SWAGGER_UI_PREFIX}/index.css">
  <link rel="icon" type="image/png" href="{SWAGGER_UI_PREFIX}/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="{SWAGGER_UI_PREFIX}/favicon-16x16.png" sizes="16x16">
</head>
<body>
  <noscript>This page needs JavaScript; the API is described by
    <a href="/openapi.json">/openapi.json</a>.</noscript>
  <div id="swagger-ui"></div>
  <script src="{SWAGGER_UI_PREFIX}/swagger-ui-bundle.js"></script>
  <script src="/docs/docs.js"></script>
</body>
</html>
"""


@attrs.frozen
class StaticFile:
    """One file's bytes and the headers it is always sent with."""

    content: bytes
    media_type: str
    cache_control: str
    extra_headers: Mapping[str, str] = attrs.field(factory=dict)
    etag: str = attrs.field(init=False)

    @etag.default
    def _digest(self) -> str:
        return f'"{hashlib.sha256(self.content).hexdigest()[:32]}"'

    def reply(self, call: Call[None]) -> Reply:
        headers = {"ETag": self.etag, "Cache-Control": self.cache_control, **self.extra_headers}
        if call.headers.get("if-none-match") == self.etag:
            return Reply(status=304, headers=headers)
        if len(self.content) >= MIN_BYTES and not self.media_type.startswith("image/"):
            # Compressed once per process, not per request as `GzipMiddleware` would:
            # swagger-ui's script is a megabyte.
            headers["Vary"] = "Accept-Encoding"
            if accepts_gzip(call.headers.get("accept-encoding")):
                headers["Content-Encoding"] = "gzip"
                return Reply(
                    body=_gzipped(self.content), media_type=self.media_type, headers=headers
                )
        return Reply(body=self.content, media_type=self.media_type, headers=headers)


@cache
def _gzipped(content: bytes) -> bytes:
    return gzip.compress(content, compresslevel=9, mtime=0)


@cache
def docs_files() -> dict[str, StaticFile]:
    """Every path the docs page is made of, read once from the installed packages."""
    files = {
        "/docs": StaticFile(
            _PAGE.encode(),
            "text/html; charset=utf-8",
            _REVALIDATE,
            {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Referrer-Policy": "no-referrer"},
        ),
        "/docs/docs.js": StaticFile(
            resources.files("taskhub.platform.http").joinpath("static/docs.js").read_bytes(),
            "text/javascript; charset=utf-8",
            _REVALIDATE,
        ),
    }
    for name, media_type in _SWAGGER_FILES.items():
        content = (SWAGGER_UI_DIR / name).read_bytes()
        files[f"{SWAGGER_UI_PREFIX}/{name}"] = StaticFile(content, media_type, _IMMUTABLE)
    return files


def _operation_id(path: str) -> str:
    """`/docs/openapi-ui-bundles-0.3.0/swagger-ui.css` -> `docs_swagger_ui_css`."""
    return "docs_" + re.sub(r"\W+", "_", path.rsplit("/", 1)[1])


def docs_endpoints() -> Sequence[Endpoint]:
    """The page and each file it loads, in the OpenAPI document like every route."""
    public = Routes(tag="operations", access=Access.PUBLIC, prefix="")
    endpoints: list[Endpoint] = []
    for path, file in docs_files().items():
        endpoints.append(
            public.get(
                path,
                handler=file.reply,
                name="docs" if path == "/docs" else _operation_id(path),
                summary="Interactive API documentation"
                if path == "/docs"
                else f"A file of the documentation page: {path.rsplit('/', 1)[1]}",
                response=str,
                response_media_type=file.media_type.partition(";")[0],
            )
        )
    return endpoints
