"""The OpenAPI 3.1 document, built from the declared endpoints and their attrs classes.

Nothing here is written by hand per route: schemas come from the request and response
classes (types, required fields, limits from `fields.text` and friends), paths and
parameters from the endpoint declarations.
"""

from collections.abc import Sequence
from typing import Any

from taskhub.platform.http import idempotency, openapi_http
from taskhub.platform.http.binary_replies import BinaryContent
from taskhub.platform.http.endpoints import Access, Endpoint, openapi_path, path_parameters
from taskhub.platform.http.fields import NUL_FREE_PATTERN
from taskhub.platform.http.openapi_schemas import CONVERTER_SCHEMAS, PROBLEM_SCHEMA, SchemaBuilder
from taskhub.platform.http.problems import PROBLEM_JSON
from taskhub.platform.http.query import QueryParam
from taskhub.platform.http.streamed_bodies import FILE_FIELD, MultipartFile, OctetStream

_ERROR_TEXT = {
    400: "Malformed JSON or bad query syntax.",
    401: "Missing, invalid or expired credentials.",
    403: "The caller's role does not allow this.",
    404: "Not found.",
    409: "Conflict with the current state.",
    412: "If-Match does not match the current version.",
    413: "Body over the size limit.",
    414: "The request line (the query string) is longer than the server reads.",
    415: "Body is not JSON.",
    416: "The range starts past the end of the content.",
    422: "Validation failed; `errors` names each field.",
    429: "Rate limited; see Retry-After.",
    503: "A required backing service is down.",
}


def _query_schema(param: QueryParam) -> dict[str, Any]:
    """The parameter's schema; free text also declares the NUL that `read_query` refuses
    in every value (a format, enum or pattern of its own already excludes it)."""
    schema = dict(param.schema)
    if schema.get("type") == "string" and not schema.keys() & {"format", "enum", "pattern"}:
        schema["pattern"] = NUL_FREE_PATTERN
    return schema


def _query_parameter(param: QueryParam) -> dict[str, Any]:
    described: dict[str, Any] = {
        "name": param.name,
        "in": "query",
        "required": False,
        "description": param.description,
        "schema": _query_schema(param),
    }
    if param.repeatable:
        described["schema"] = {"type": "array", "items": _query_schema(param)}
        described["style"] = "form"
        described["explode"] = True
    return described


_IDEMPOTENCY_ERROR_TEXT = {
    400: f"Or an invalid {idempotency.HEADER}.",
    409: f"Or a request with this {idempotency.HEADER} is still running.",
    422: f"Or this {idempotency.HEADER} was used with a different request.",
}


_API_DESCRIPTION = (
    "Every rule the server applies to a request is declared here: types, formats, "
    "lengths, patterns and enums in the schemas, and in `description` what a schema "
    "cannot say. Request strings never contain the NUL character (422): each one's "
    "`pattern` excludes it. Letters, digits and whitespace in patterns are explicit "
    "code point ranges, read alike by every regex dialect. A PATCH body changes "
    "only the fields it sends; `null` clears a field declared nullable and is a 422 for "
    "any other. Errors are RFC 9457 problem details (`application/problem+json`)."
)


def build_document(endpoints: Sequence[Endpoint], *, title: str, version: str) -> dict[str, Any]:
    builder = _Builders()
    paths: dict[str, dict[str, Any]] = {}
    documented = [endpoint for endpoint in endpoints if endpoint.include_in_schema]
    for endpoint in documented:
        paths.setdefault(openapi_path(endpoint.path), {})[endpoint.method.lower()] = _operation(
            endpoint, builder, documented
        )
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": _API_DESCRIPTION},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {**builder.components(), "Problem": PROBLEM_SCHEMA},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A user's access token (JWT) or an API key (thk_...).",
                }
            },
        },
    }


class _Builders:
    """One schema builder for request bodies (strings refuse NUL) and one for responses.

    A class is a request or a response, never both; if one ever were, its two schemas
    would differ and the document could not name both, so that is refused here."""

    def __init__(self) -> None:
        self.requests = SchemaBuilder(refuses_nul=True)
        self.responses = SchemaBuilder()

    def components(self) -> dict[str, Any]:
        shared = self.requests.components.keys() & self.responses.components.keys()
        clashing = sorted(
            name
            for name in shared
            if self.requests.components[name] != self.responses.components[name]
        )
        if clashing:
            raise TypeError(f"used as both request and response bodies: {clashing}")
        return {**self.responses.components, **self.requests.components}


def _operation(endpoint: Endpoint, builder: _Builders, endpoints: list[Endpoint]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.operation_id,
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
    }
    if endpoint.description:
        operation["description"] = endpoint.description
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": CONVERTER_SCHEMAS.get(converter or "", {"type": "string"}),
        }
        for name, converter in path_parameters(endpoint.path)
    ]
    parameters.extend(_query_parameter(param) for param in endpoint.query_params)
    idempotent = idempotency.takes_idempotency_key(endpoint)
    parameters.extend(openapi_http.header_parameters(endpoint))
    if parameters:
        operation["parameters"] = parameters
    if endpoint.access is Access.PUBLIC:
        operation["security"] = []
    else:
        operation["security"] = [{"bearer": []}]
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": not endpoint.body_optional,
            "content": _request_content(endpoint.body, builder.requests),
        }
    responses = _success_responses(endpoint, builder, endpoints)
    statuses = _error_statuses(endpoint)
    if endpoint.org_role is not None:
        operation["description"] = (
            f"Needs the `{endpoint.org_role}` role or above in the organization. "
            + operation.get("description", "")
        ).strip()
    for status in sorted(statuses):
        responses[str(status)] = _problem_response(endpoint, status, idempotent=idempotent)
    operation["responses"] = responses
    return operation


def _success_responses(
    endpoint: Endpoint, builder: _Builders, endpoints: list[Endpoint]
) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    success: dict[str, Any] = {"description": endpoint.summary}
    if endpoint.response is BinaryContent:
        success["content"] = _BINARY_CONTENT
        success["headers"] = _BINARY_HEADERS
        responses["206"] = {
            "description": "The byte range asked for with `Range`.",
            "headers": {
                **_BINARY_HEADERS,
                "Content-Range": {"schema": {"type": "string"}},
                **openapi_http.every_response_headers(endpoint),
            },
            "content": _BINARY_CONTENT,
        }
    elif endpoint.response is not None:
        schema = builder.responses.schema_for(endpoint.response)
        if endpoint.paginated:
            schema = {
                "type": "object",
                "required": ["items", "next_cursor"],
                "properties": {
                    "items": {"type": "array", "items": schema},
                    "next_cursor": {"type": ["string", "null"]},
                    "total": _TOTAL_PROPERTY,
                },
            }
        success["content"] = {endpoint.response_media_type: {"schema": schema}}
    success["headers"] = {**success.get("headers", {}), **openapi_http.success_headers(endpoint)}
    links = openapi_http.create_links(endpoint, endpoints)
    if links:
        success["links"] = links
    responses[str(endpoint.status)] = success
    if openapi_http.conditional_read(endpoint):
        responses["304"] = openapi_http.not_modified_response(endpoint)
    if endpoint.redirects:
        responses["302"] = {
            "description": "Fetch the content from the URL in `Location` instead.",
            "headers": {
                "Location": {"schema": {"type": "string", "format": "uri"}},
                **openapi_http.every_response_headers(endpoint),
            },
        }
    return responses


_TOTAL_PROPERTY = {
    "type": "integer",
    "minimum": 0,
    "description": "With `?include=total` only: the size of the filtered list, "
    "whatever the cursor.",
}

_BINARY_CONTENT = {
    "application/octet-stream": {
        "schema": {"type": "string", "contentMediaType": "application/octet-stream"}
    }
}
_BINARY_HEADERS = {
    "ETag": {"schema": {"type": "string"}},
    "Accept-Ranges": {"schema": {"type": "string", "enum": ["bytes"]}},
    "Content-Disposition": {"schema": {"type": "string"}},
}


def _request_content(body: type, builder: SchemaBuilder) -> dict[str, Any]:
    """JSON for a declared class; the streamed kinds as what they carry."""
    if body is MultipartFile:
        return {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "contentMediaType": "application/octet-stream",
                            "description": "The file; its content type is sniffed from it.",
                        }
                    },
                },
                "encoding": {FILE_FIELD: {"contentType": "*/*"}},
            }
        }
    if body is OctetStream:
        return {"application/octet-stream": {"schema": {}}}
    return {"application/json": {"schema": builder.schema_for(body)}}


def _problem_response(endpoint: Endpoint, status: int, *, idempotent: bool) -> dict[str, Any]:
    description = _ERROR_TEXT.get(status, "Error.")
    if idempotent and status in _IDEMPOTENCY_ERROR_TEXT:
        description = f"{description} {_IDEMPOTENCY_ERROR_TEXT[status]}"
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    headers = openapi_http.error_headers(endpoint, status)
    if headers:
        response["headers"] = headers
    return response


def _error_statuses(endpoint: Endpoint) -> set[int]:
    statuses = set(endpoint.errors)
    if endpoint.access is not Access.PUBLIC:
        statuses.add(401)
    if endpoint.access is Access.USER:
        statuses.add(403)
    if endpoint.org_role is not None:
        statuses.update({403, 404})
    if endpoint.body is OctetStream:
        statuses.update({400, 413})
    elif endpoint.body is not None:
        statuses.update({400, 413, 415, 422})
    if endpoint.response is BinaryContent:
        statuses.add(416)
    if endpoint.paginated:
        statuses.add(400)
    if endpoint.query_params:
        statuses.add(422)
    statuses.update(openapi_http.pipeline_statuses(endpoint))
    if idempotency.takes_idempotency_key(endpoint):
        statuses.update({400, 409, 422})
    return statuses
