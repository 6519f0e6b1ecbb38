"""Per-request plumbing: request id, client origin, security headers, access log, metrics."""

import re
import time
import uuid
from collections.abc import Sequence

import falcon
import structlog

from taskhub.platform.acting import bind_acting, reset_acting
from taskhub.platform.http.client_ip import Network, client_ip
from taskhub.platform.metrics import HttpMetrics
from taskhub.shared_kernel.acting import Acting, ActorType
from taskhub.shared_kernel.principal import RequestOrigin

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
access_log = structlog.get_logger("taskhub.access")


def request_id_for(incoming: str | None) -> str:
    """The client's X-Request-ID when it is sane, so logs on both sides line up; else a new one."""
    return incoming if incoming and _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Gives every request an id and an origin, and every response the standard headers."""

    def __init__(self, trusted_proxies: Sequence[Network], metrics: HttpMetrics) -> None:
        self._trusted_proxies = tuple(trusted_proxies)
        self._metrics = metrics

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.started = time.perf_counter()
        request_id = request_id_for(req.get_header("X-Request-ID"))
        req.context.request_id = request_id
        req.context.principal = None
        user_agent = req.user_agent
        req.context.origin = RequestOrigin(
            ip=client_ip(req.remote_addr, req.get_header("X-Forwarded-For"), self._trusted_proxies),
            user_agent=user_agent[:512] if user_agent else None,
            request_id=request_id,
        )
        structlog.contextvars.bind_contextvars(request_id=request_id)
        # Anonymous until authentication says otherwise (sign-ins are audited too).
        req.context.acting_token = bind_acting(
            Acting(
                actor_type=ActorType.USER,
                ip=req.context.origin.ip,
                user_agent=req.context.origin.user_agent,
                request_id=request_id,
            )
        )

    def process_response(
        self, req: falcon.Request, resp: falcon.Response, resource: object, req_succeeded: bool
    ) -> None:
        request_id = getattr(req.context, "request_id", None) or uuid.uuid4().hex
        resp.set_header("X-Request-ID", request_id)
        resp.set_header("X-Content-Type-Options", "nosniff")
        if getattr(req.context, "principal", None) is not None and not resp.etag:
            resp.set_header("Cache-Control", "no-store")
        started = getattr(req.context, "started", None)
        duration = time.perf_counter() - started if started is not None else 0.0
        status = resp.status_code
        route = req.uri_template or "unmatched"
        self._metrics.observe(req.method, route, status, duration)
        access_log.info(
            "request",
            method=req.method,
            path=req.path,
            status=status,
            duration_ms=round(duration * 1000, 2),
            client_ip=req.context.origin.ip if hasattr(req.context, "origin") else None,
        )
        structlog.contextvars.clear_contextvars()
        token = getattr(req.context, "acting_token", None)
        if token is not None:
            reset_acting(token)
