"""Falcon building blocks: endpoint declarations, body parsing, errors, middleware, OpenAPI."""
