"""What the pipeline adds around every handler, as the OpenAPI document declares it.

The dispatcher (`platform.http.dispatch`) answers conditional requests, counts rate
limits, pages lists and replays idempotent requests the same way for every endpoint;
this module says so per operation from the same endpoint declaration the dispatcher
reads: which request headers it honours (`If-Match`, `If-None-Match`,
`Idempotency-Key`), which response headers it sets (`ETag`, `Link`, `RateLimit`,
`RateLimit-Policy`, `Retry-After`, `Location`, `WWW-Authenticate`) and which statuses
that can add (304, 412, 429). It also links each create to the reads and writes of what
it made, so a client (or a stateful test) can follow the id it was given.
"""

from typing import Any

import attrs

from taskhub.platform.http import idempotency
from taskhub.platform.http.endpoints import Access, Endpoint, openapi_path, path_parameters

ETAG_PATTERN = r'^\s*(?:\*|(?:W/)?"?[0-9]{1,18}"?)\s*$'
"""What `If-Match` and `If-None-Match` take: an ETag this API issued, such as "3"."""

IF_MATCH_PARAMETER = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": 'The ETag of the version this change is meant for, such as "3": if the '
    "resource has changed since, the answer is 412 and nothing is written (of concurrent "
    "writers holding the same version, exactly one wins). Without it the write applies.",
    "schema": {"type": "string", "pattern": ETAG_PATTERN},
}
IF_NONE_MATCH_PARAMETER = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": 'The ETag of the copy the client holds, such as "3": 304 without a '
    "body while it is still the current version. Any other value is ignored.",
    "schema": {"type": "string"},
}
IDEMPOTENCY_PARAMETER = {
    "name": idempotency.HEADER,
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: the same key with the same request from the same "
    "caller within 24 hours replays the first successful response instead of running again. "
    "The same key with a different request is 422; while the first is still running, 409. "
    "A failed request does not use up its key.",
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency.MAX_KEY_LENGTH,
        "pattern": r"^[\x20-\x7e]*[\x21-\x7e][\x20-\x7e]*$",
    },
}

_ETAG_HEADER = {
    "description": 'The version of the resource, such as "3", for If-Match and If-None-Match.',
    "schema": {"type": "string"},
}
_LINK_HEADER = {
    "description": 'The next page, as `<url>; rel="next"`, when there is one.',
    "schema": {"type": "string"},
}
_RATE_LIMIT_HEADERS = {
    "RateLimit-Policy": {
        "description": 'The budget this request counts against: `"<name>";q=<quota>;'
        "w=<window seconds>` (IETF httpapi RateLimit fields).",
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'What is left of it: `"<name>";r=<remaining>;t=<seconds to reset>`.',
        "schema": {"type": "string"},
    },
}
_RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before trying again.",
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}
_LOCATION_HEADER = {
    "description": "Where the created resource can be read.",
    "schema": {"type": "string"},
}
_WWW_AUTHENTICATE_HEADER = {
    "description": "`Bearer`: the scheme the API takes.",
    "schema": {"type": "string"},
}
_REPLAYED_HEADER = {
    "description": "`true` when this is the stored response to an earlier request with the "
    f"same {idempotency.HEADER}.",
    "schema": {"type": "string", "enum": ["true"]},
}


def rate_limited(endpoint: Endpoint) -> bool:
    """Whether the dispatcher counts the request: a principal's or a client IP's budget."""
    return endpoint.access is not Access.PUBLIC or endpoint.limited_per_client_ip


def versioned(type_: Any) -> bool:
    """Whether the response class carries `version`, which the dispatcher turns into ETag."""
    return attrs.has(type_) and any(field.name == "version" for field in attrs.fields(type_))


def conditional_write(endpoint: Endpoint) -> bool:
    """A write the handler makes compare-and-set with `If-Match` (412 on a mismatch)."""
    return endpoint.method in ("PATCH", "PUT", "DELETE") and endpoint.org_role is not None


def conditional_read(endpoint: Endpoint) -> bool:
    """A GET of one versioned resource: `If-None-Match` may make it a 304."""
    return endpoint.method == "GET" and not endpoint.paginated and versioned(endpoint.response)


def header_parameters(endpoint: Endpoint) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    if conditional_write(endpoint):
        parameters.append(IF_MATCH_PARAMETER)
    if conditional_read(endpoint):
        parameters.append(IF_NONE_MATCH_PARAMETER)
    if idempotency.takes_idempotency_key(endpoint):
        parameters.append(IDEMPOTENCY_PARAMETER)
    return parameters


def success_headers(endpoint: Endpoint) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if versioned(endpoint.response) and not endpoint.paginated:
        headers["ETag"] = _ETAG_HEADER
    if endpoint.paginated:
        headers["Link"] = _LINK_HEADER
    if endpoint.status == 201:
        headers["Location"] = _LOCATION_HEADER
    if idempotency.takes_idempotency_key(endpoint):
        headers[idempotency.REPLAYED_HEADER] = _REPLAYED_HEADER
    return {**headers, **every_response_headers(endpoint)}


def every_response_headers(endpoint: Endpoint) -> dict[str, Any]:
    """Headers on any answer of the operation, errors included."""
    return dict(_RATE_LIMIT_HEADERS) if rate_limited(endpoint) else {}


def error_headers(endpoint: Endpoint, status: int) -> dict[str, Any]:
    headers = every_response_headers(endpoint)
    if status == 429:
        headers["Retry-After"] = _RETRY_AFTER_HEADER
    if status == 401:
        headers["WWW-Authenticate"] = _WWW_AUTHENTICATE_HEADER
    return headers


def pipeline_statuses(endpoint: Endpoint) -> set[int]:
    """The statuses the pipeline itself may answer for this endpoint."""
    statuses: set[int] = set()
    if rate_limited(endpoint):
        statuses.add(429)
    if conditional_write(endpoint):
        statuses.add(412)
    if endpoint.query_params:
        statuses.add(414)
    return statuses


def not_modified_response(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "description": "Not modified: the If-None-Match ETag is the current version.",
        "headers": {"ETag": _ETAG_HEADER, **every_response_headers(endpoint)},
    }


def create_links(endpoint: Endpoint, endpoints: list[Endpoint]) -> dict[str, Any]:
    """Links from a 201 to the operations on `<its path>/{id}`, filled from the body's id.

    Every other path parameter of the target is the create's own (the organization,
    the project), taken from the request.
    """
    if endpoint.method != "POST" or endpoint.status != 201 or not _has_id(endpoint.response):
        return {}
    base = openapi_path(endpoint.path)
    own = {name for name, _ in path_parameters(endpoint.path)}
    links: dict[str, Any] = {}
    for target in endpoints:
        target_path = openapi_path(target.path)
        if not target.include_in_schema or not target_path.startswith(base + "/{"):
            continue
        rest = target_path[len(base) + 1 :]
        if "/" in rest:
            continue
        id_name = rest[1:-1]
        parameters = {
            name: ("$response.body#/id" if name == id_name else f"$request.path.{name}")
            for name, _ in path_parameters(target.path)
            if name == id_name or name in own
        }
        links[target.operation_id] = {
            "operationId": target.operation_id,
            "parameters": parameters,
            "description": f"{target.summary}: the one just created.",
        }
    return links


def _has_id(type_: Any) -> bool:
    return attrs.has(type_) and any(field.name == "id" for field in attrs.fields(type_))
