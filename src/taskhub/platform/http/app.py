"""Assembling a Falcon application from declared endpoints and platform pieces.

`entrypoints.wsgi.create_app(container)` calls this with what the container built;
nothing here knows which contexts exist.
"""

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import falcon
from sqlalchemy.engine import Engine

from taskhub import __version__
from taskhub.platform.http.authentication import Authenticator
from taskhub.platform.http.authorization import OrgAccess
from taskhub.platform.http.compression import GzipMiddleware
from taskhub.platform.http.converter import make_converter
from taskhub.platform.http.cursors import CursorCodec
from taskhub.platform.http.dispatch import Pipeline, mount
from taskhub.platform.http.endpoints import Endpoint
from taskhub.platform.http.idempotency import IdempotencyGuard
from taskhub.platform.http.middleware import RequestContextMiddleware
from taskhub.platform.http.openapi import build_document
from taskhub.platform.http.openapi_heads import with_heads_and_locations
from taskhub.platform.http.operations import HealthCheck, operational_endpoints
from taskhub.platform.http.path_references import REFERENCE_CONVERTERS, KeyResolver
from taskhub.platform.http.problems import install_error_handlers
from taskhub.platform.metrics import HttpMetrics
from taskhub.platform.rate_limit import RateLimiter
from taskhub.platform.settings import Settings


def build_falcon_app(
    *,
    settings: Settings,
    engine: Engine,
    endpoints: Sequence[Endpoint],
    authenticator: Authenticator,
    org_access: OrgAccess,
    secret_key: str,
    rate_limiter: RateLimiter,
    health_checks: Mapping[str, HealthCheck],
    metrics: HttpMetrics,
    degradable_checks: Mapping[str, HealthCheck] | None = None,
    extra_middleware: Sequence[Any] = (),
    key_resolvers: Mapping[str, KeyResolver] | None = None,
) -> falcon.App[falcon.Request, falcon.Response]:
    middleware: list[Any] = [
        RequestContextMiddleware(settings.trusted_proxies, metrics),
        # Second, so that it compresses what every later one (and the handler) wrote.
        GzipMiddleware(),
    ]
    if settings.cors_origins:
        middleware.append(
            falcon.CORSMiddleware(
                allow_origins=list(settings.cors_origins),
                allow_credentials=list(settings.cors_origins),
                expose_headers=[
                    "X-Request-ID",
                    "ETag",
                    "Link",
                    "RateLimit",
                    "RateLimit-Policy",
                    "Retry-After",
                    "Idempotent-Replayed",
                ],
            )
        )
    middleware.extend(extra_middleware)
    app = falcon.App(middleware=middleware)
    app.req_options.strip_url_path_trailing_slash = True
    app.req_options.keep_blank_qs_values = True
    app.router_options.converters.update(REFERENCE_CONVERTERS)
    app.resp_options.secure_cookies_by_default = True
    install_error_handlers(app)

    all_endpoints: list[Endpoint] = []

    @cache
    def document() -> dict[str, Any]:
        return with_heads_and_locations(
            build_document(all_endpoints, title="taskhub API", version=__version__)
        )

    all_endpoints.extend(endpoints)
    all_endpoints.extend(
        operational_endpoints(
            health_checks=health_checks,
            degradable_checks=degradable_checks or {},
            document=document,
            metrics=metrics,
        )
    )
    pipeline = Pipeline(
        converter=make_converter(),
        engine=engine,
        authenticator=authenticator,
        org_access=org_access,
        cursors=CursorCodec(secret_key),
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        limiter=rate_limiter,
        auth_limit=settings.rate_limit_auth,
        api_limit=settings.rate_limit_api,
        idempotency=IdempotencyGuard(engine, secret_key),
        key_resolvers=dict(key_resolvers or {}),
    )
    mount(app, all_endpoints, pipeline)
    return app
