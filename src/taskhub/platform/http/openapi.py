"""The OpenAPI 3.1 document, built from the declared endpoints and their attrs classes.

Nothing here is written by hand per route: schemas come from the request and response
classes (types, required fields, limits from `fields.text` and friends), paths and
parameters from the endpoint declarations.
"""

import enum
import types
import typing
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import attrs

from taskhub.platform.http import idempotency
from taskhub.platform.http.binary_replies import BinaryContent
from taskhub.platform.http.endpoints import Access, Endpoint, openapi_path, path_parameters
from taskhub.platform.http.fields import OPENAPI_KEY, PartialUpdate
from taskhub.platform.http.problems import PROBLEM_JSON
from taskhub.platform.http.query import QueryParam
from taskhub.platform.http.streamed_bodies import FILE_FIELD, MultipartFile, OctetStream

_SCALARS: dict[Any, dict[str, Any]] = {
    Any: {},
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    uuid.UUID: {"type": "string", "format": "uuid"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
}
_CONVERTER_SCHEMAS = {
    "uuid": {"type": "string", "format": "uuid"},
    "int": {"type": "integer"},
    "task": {
        "type": "string",
        "description": "The task's id, or its key such as ENG-42 (any case).",
        "examples": ["ENG-42"],
    },
}


class SchemaBuilder:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def schema_for(self, type_: Any) -> dict[str, Any]:
        origin = typing.get_origin(type_)
        args = typing.get_args(type_)
        if type_ is type(None):
            return {"type": "null"}
        if origin in (typing.Union, types.UnionType):
            options = [self.schema_for(arg) for arg in args]
            return {"anyOf": options}
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin in (list, tuple, Sequence, frozenset, set) or (
            isinstance(origin, type) and issubclass(origin, Sequence) and origin is not str
        ):
            item = args[0] if args else Any
            return {"type": "array", "items": self.schema_for(item)}
        if origin is dict:
            value = args[1] if len(args) == 2 else Any
            return {"type": "object", "additionalProperties": self.schema_for(value)}
        if type_ in _SCALARS:
            return dict(_SCALARS[type_])
        if isinstance(type_, type) and issubclass(type_, enum.Enum):
            return {"type": "string", "enum": [m.value for m in type_]}
        if attrs.has(type_):
            return self._component(type_)
        raise TypeError(f"no OpenAPI schema for {type_!r}")

    def _component(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        ref = {"$ref": f"#/components/schemas/{name}"}
        if name in self.components:
            return ref
        self.components[name] = {}  # placeholder so recursive types terminate
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        partial = issubclass(cls, PartialUpdate)
        for field in attrs.fields(cls):
            if not field.init:
                continue  # filled by the server (PartialUpdate.provided), never sent
            hint = hints[field.name]
            clearable = partial and field.name in cls.clearable  # type: ignore[attr-defined]
            if partial and not clearable:
                hint = _without_null(hint)
            schema = dict(self.schema_for(hint))
            schema.update(field.metadata.get(OPENAPI_KEY, {}))
            if clearable:
                schema["description"] = f"{schema.get('description', '')} `null` clears it.".strip()
            properties[field.name] = schema
            if field.default is attrs.NOTHING:
                required.append(field.name)
        component: dict[str, Any] = {
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            component["required"] = required
        if cls.__doc__:
            component["description"] = " ".join(cls.__doc__.split())
        self.components[name] = component
        return ref


def _without_null(type_: Any) -> Any:
    """`X | None` as `X`: a PATCH field that `null` may not clear is declared without it."""
    if typing.get_origin(type_) not in (typing.Union, types.UnionType):
        return type_
    kept = tuple(arg for arg in typing.get_args(type_) if arg is not type(None))
    return kept[0] if len(kept) == 1 else typing.Union[kept]  # noqa: UP007


_PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail", "code", "request_id"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "request_id": {"type": ["string", "null"]},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

_ERROR_TEXT = {
    400: "Malformed JSON or bad query syntax.",
    401: "Missing, invalid or expired credentials.",
    403: "The caller's role does not allow this.",
    404: "Not found.",
    409: "Conflict with the current state.",
    412: "If-Match does not match the current version.",
    413: "Body over the size limit.",
    415: "Body is not JSON.",
    416: "The range starts past the end of the content.",
    422: "Validation failed; `errors` names each field.",
    429: "Rate limited; see Retry-After.",
    503: "A required backing service is down.",
}


def _query_parameter(param: QueryParam) -> dict[str, Any]:
    described: dict[str, Any] = {
        "name": param.name,
        "in": "query",
        "required": False,
        "description": param.description,
        "schema": dict(param.schema),
    }
    if param.repeatable:
        described["schema"] = {"type": "array", "items": dict(param.schema)}
        described["style"] = "form"
        described["explode"] = True
    return described


_IDEMPOTENCY_PARAMETER = {
    "name": idempotency.HEADER,
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: the same key with the same request from the same "
    "caller within 24 hours replays the first successful response instead of running again. "
    "The same key with a different request is 422; while the first is still running, 409. "
    "A failed request does not use up its key.",
    "schema": {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_KEY_LENGTH},
}
_REPLAYED_RESPONSE_HEADER = {
    "description": "`true` when this is the stored response to an earlier request with the "
    f"same {idempotency.HEADER}.",
    "schema": {"type": "string", "enum": ["true"]},
}
_IDEMPOTENCY_ERROR_TEXT = {
    400: f"Or an invalid {idempotency.HEADER}.",
    409: f"Or a request with this {idempotency.HEADER} is still running.",
    422: f"Or this {idempotency.HEADER} was used with a different request.",
}


def build_document(endpoints: Sequence[Endpoint], *, title: str, version: str) -> dict[str, Any]:
    builder = SchemaBuilder()
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        if not endpoint.include_in_schema:
            continue
        paths.setdefault(openapi_path(endpoint.path), {})[endpoint.method.lower()] = _operation(
            endpoint, builder
        )
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {**builder.components, "Problem": _PROBLEM_SCHEMA},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A user's access token (JWT) or an API key (thk_...).",
                }
            },
        },
    }


def _operation(endpoint: Endpoint, builder: SchemaBuilder) -> dict[str, Any]:
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
            "schema": _CONVERTER_SCHEMAS.get(converter or "", {"type": "string"}),
        }
        for name, converter in path_parameters(endpoint.path)
    ]
    parameters.extend(_query_parameter(param) for param in endpoint.query_params)
    idempotent = idempotency.takes_idempotency_key(endpoint)
    if idempotent:
        parameters.append(_IDEMPOTENCY_PARAMETER)
    if parameters:
        operation["parameters"] = parameters
    if endpoint.access is Access.PUBLIC:
        operation["security"] = []
    else:
        operation["security"] = [{"bearer": []}]
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": not endpoint.body_optional,
            "content": _request_content(endpoint.body, builder),
        }
    responses = _success_responses(endpoint, builder, idempotent=idempotent)
    statuses = _error_statuses(endpoint)
    if endpoint.org_role is not None:
        operation["description"] = (
            f"Needs the `{endpoint.org_role}` role or above in the organization. "
            + operation.get("description", "")
        ).strip()
    for status in sorted(statuses):
        responses[str(status)] = _problem_response(status, idempotent=idempotent)
    operation["responses"] = responses
    return operation


def _success_responses(
    endpoint: Endpoint, builder: SchemaBuilder, *, idempotent: bool
) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    success: dict[str, Any] = {"description": endpoint.summary}
    if endpoint.response is BinaryContent:
        success["content"] = _BINARY_CONTENT
        success["headers"] = _BINARY_HEADERS
        responses["206"] = {
            "description": "The byte range asked for with `Range`.",
            "headers": {**_BINARY_HEADERS, "Content-Range": {"schema": {"type": "string"}}},
            "content": _BINARY_CONTENT,
        }
    elif endpoint.response is not None:
        schema = builder.schema_for(endpoint.response)
        if endpoint.paginated:
            schema = {
                "type": "object",
                "required": ["items", "next_cursor"],
                "properties": {
                    "items": {"type": "array", "items": schema},
                    "next_cursor": {"type": ["string", "null"]},
                },
            }
        success["content"] = {endpoint.response_media_type: {"schema": schema}}
    if idempotent:
        success["headers"] = {idempotency.REPLAYED_HEADER: _REPLAYED_RESPONSE_HEADER}
    responses[str(endpoint.status)] = success
    if endpoint.redirects:
        responses["302"] = {
            "description": "Fetch the content from the URL in `Location` instead.",
            "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}},
        }
    return responses


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


def _problem_response(status: int, *, idempotent: bool) -> dict[str, Any]:
    description = _ERROR_TEXT.get(status, "Error.")
    if idempotent and status in _IDEMPOTENCY_ERROR_TEXT:
        description = f"{description} {_IDEMPOTENCY_ERROR_TEXT[status]}"
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


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
    if endpoint.method in ("PATCH", "PUT", "DELETE") and endpoint.org_role is not None:
        statuses.add(412)
    if idempotency.takes_idempotency_key(endpoint):
        statuses.update({400, 409, 422})
    return statuses
