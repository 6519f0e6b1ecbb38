"""Identity over HTTP: request and response schemas and the declared endpoints."""
