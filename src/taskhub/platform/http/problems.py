"""Every error leaves as RFC 9457 problem+json, and only from here.

Domain errors, Falcon's own HTTP errors (unknown route, wrong method) and anything
unexpected are all turned into the same shape. Unexpected errors are logged with their
traceback and answered with a generic 500: no stack trace, SQL or path ever reaches a
client.
"""

from http import HTTPStatus
from typing import Any

import falcon
import structlog
from sqlalchemy.exc import DBAPIError, OperationalError

from taskhub.platform.http.media import dumps
from taskhub.shared_kernel.errors import (
    Conflict,
    Gone,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    RateLimited,
    ServiceUnavailable,
    TaskhubError,
    Unauthenticated,
    ValidationFailed,
)

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("taskhub.http")


class HttpProblem(TaskhubError):
    """An error about the HTTP request itself rather than about the domain."""

    status = 400

    def extra_headers(self) -> dict[str, str]:
        """Headers the answer must carry besides the problem (none by default)."""
        return {}


class BadRequest(HttpProblem):
    code = "bad_request"


class BodyLeftUnread(HttpProblem):
    """Raised before the request body was read to its end.

    What is left of the body is still on the connection, where the server would take
    it for the next request (or wait to drain it), so the answer closes the connection.
    """


class PayloadTooLarge(BodyLeftUnread):
    code = "payload_too_large"
    status = 413


class LengthRequired(BodyLeftUnread):
    code = "length_required"
    status = 411


class UnreadableBody(BodyLeftUnread):
    code = "bad_request"


class UnsupportedMediaType(HttpProblem):
    code = "unsupported_media_type"
    status = 415


class TooManyRequests(HttpProblem):
    code = "rate_limited"
    status = 429


_STATUS_BY_ERROR: list[tuple[type[TaskhubError], int]] = [
    (ValidationFailed, 422),
    (NotFound, 404),
    (Conflict, 409),
    (Unauthenticated, 401),
    (PermissionDenied, 403),
    (PreconditionFailed, 412),
    (Gone, 410),
    (ServiceUnavailable, 503),
    (RateLimited, 429),
]

_CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    411: "length_required",
    410: "gone",
    412: "precondition_failed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    417: "expectation_failed",
    422: "validation_error",
    429: "rate_limited",
    431: "request_header_fields_too_large",
    500: "internal_error",
    501: "not_implemented",
    503: "service_unavailable",
}


def status_for(error: TaskhubError) -> int:
    if isinstance(error, HttpProblem):
        return error.status
    for kind, status in _STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 400


def problem_body(
    status: int,
    *,
    detail: str,
    code: str | None = None,
    request_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    code = code or _CODE_BY_STATUS.get(status, "error")
    body: dict[str, Any] = {
        "type": f"urn:taskhub:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": request_id,
    }
    if extra:
        body.update(extra)
    return body


def write_problem(
    req: falcon.Request,
    resp: falcon.Response,
    status: int,
    *,
    detail: str,
    code: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    resp.status = status
    resp.content_type = PROBLEM_JSON
    resp.data = dumps(
        problem_body(
            status,
            detail=detail,
            code=code,
            request_id=getattr(req.context, "request_id", None),
            extra=extra,
        )
    )
    for name, value in (headers or {}).items():
        resp.set_header(name, value)


def handle_taskhub_error(
    req: falcon.Request, resp: falcon.Response, ex: TaskhubError, _params: dict[str, Any]
) -> None:
    status = status_for(ex)
    extra = None
    headers: dict[str, str] = {}
    if isinstance(ex, ValidationFailed):
        extra = {"errors": [{"field": e.field, "message": e.message} for e in ex.errors]}
    if isinstance(ex, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(ex, RateLimited):
        headers["Retry-After"] = str(ex.retry_after)
    if isinstance(ex, HttpProblem):
        headers.update(ex.extra_headers())
    if isinstance(ex, BodyLeftUnread):
        # A hop-by-hop header, for the server rather than the client: the taskhub
        # gunicorn worker closes the connection after this response.
        headers["Connection"] = "close"
    write_problem(req, resp, status, detail=ex.detail, code=ex.code, extra=extra, headers=headers)


def handle_http_error(
    req: falcon.Request, resp: falcon.Response, ex: falcon.HTTPError, _params: dict[str, Any]
) -> None:
    status = ex.status_code
    detail = ex.description or ex.title or HTTPStatus(status).phrase
    if status == 404:
        detail = "The requested resource was not found."
    elif status == 405:
        detail = f"{req.method} is not allowed on this resource."
    headers = dict(ex.headers or {})
    write_problem(req, resp, status, detail=str(detail), headers=headers)


def handle_database_error(
    req: falcon.Request, resp: falcon.Response, ex: DBAPIError, _params: dict[str, Any]
) -> None:
    if isinstance(ex, OperationalError) or ex.connection_invalidated:
        log.error("database_unavailable", error=type(ex.orig).__name__ if ex.orig else None)
        write_problem(
            req,
            resp,
            503,
            detail="The database is unavailable; try again shortly.",
            headers={"Retry-After": "5"},
        )
        return
    handle_unexpected(req, resp, ex, _params)


def handle_unexpected(
    req: falcon.Request, resp: falcon.Response, ex: Exception, _params: dict[str, Any]
) -> None:
    log.exception("unhandled_error", error_type=type(ex).__name__)
    write_problem(req, resp, 500, detail="An unexpected error occurred; it has been logged.")


def install_error_handlers(app: falcon.App[falcon.Request, falcon.Response]) -> None:
    # Falcon picks the most specific handler for an exception's type.
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(DBAPIError, handle_database_error)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler(TaskhubError, handle_taskhub_error)
