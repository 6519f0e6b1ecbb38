"""Operational endpoints: health, the OpenAPI document, its interactive page, metrics.

They are declared like every other endpoint so the router and the document agree on
them too.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import structlog

from taskhub.platform.http.docs_page import docs_endpoints
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.problems import PROBLEM_JSON, problem_body
from taskhub.platform.http.routes import Routes
from taskhub.platform.metrics import METRICS_CONTENT_TYPE, HttpMetrics

log = structlog.get_logger("taskhub.health")

HealthCheck = Callable[[], None]


@attrs.frozen
class LiveStatus:
    """The process is up and serving."""

    status: str


@attrs.frozen
class ReadyStatus:
    """Every required backing service answered; `checks` also names any that is degraded."""

    status: str
    checks: dict[str, str]


def _reading(name: str, check: HealthCheck, failed: str) -> str:
    try:
        check()
    except Exception as exc:
        log.warning("health_check_failed", check=name, error=type(exc).__name__, reading=failed)
        return failed
    return "ok"


def operational_endpoints(
    *,
    health_checks: Mapping[str, HealthCheck],
    document: Callable[[], dict[str, Any]],
    metrics: HttpMetrics,
    degradable_checks: Mapping[str, HealthCheck] | None = None,
) -> Sequence[Endpoint]:
    """`health_checks` are the required services: one failing makes readiness 503
    ("down"). A failing `degradable_checks` one reads "degraded" and readiness stays 200:
    the service still serves every request without it, in a reduced way (ADR 0020)."""
    degradable = degradable_checks or {}

    def live(_call: Call[None]) -> Reply:
        return Reply(body=LiveStatus(status="ok"))

    def ready(call: Call[None]) -> Reply:
        results = {name: _reading(name, check, "down") for name, check in health_checks.items()}
        results |= {name: _reading(name, check, "degraded") for name, check in degradable.items()}
        if "down" not in results.values():
            return Reply(body=ReadyStatus(status="ok", checks=results))
        down = ", ".join(name for name, value in results.items() if value == "down")
        return Reply(
            status=503,
            media_type=PROBLEM_JSON,
            headers={"Retry-After": "5"},
            body=problem_body(
                503,
                detail=f"Not ready: {down} unavailable.",
                request_id=call.origin.request_id,
                extra={"checks": results},
            ),
        )

    def openapi(_call: Call[None]) -> Reply:
        return Reply(body=document())

    def prometheus(_call: Call[None]) -> Reply:
        return Reply(body=metrics.render(), media_type=METRICS_CONTENT_TYPE)

    public = Routes(tag="operations", access=Access.PUBLIC, prefix="")
    return [
        public.get(
            "/health/live",
            handler=live,
            name="health_live",
            summary="Liveness",
            response=LiveStatus,
        ),
        public.get(
            "/health/ready",
            handler=ready,
            name="health_ready",
            summary="Readiness",
            response=ReadyStatus,
            errors=(503,),
        ),
        public.get(
            "/openapi.json",
            handler=openapi,
            name="openapi",
            summary="The OpenAPI 3.1 document",
            response=dict[str, Any],
        ),
        *docs_endpoints(),
        public.get(
            "/metrics",
            handler=prometheus,
            name="metrics",
            summary="Prometheus metrics",
            response=str,
            response_media_type="text/plain",
        ),
    ]
