"""JSON Schema for the attrs classes of request and response bodies.

Types, required fields and limits come from the classes and their field declarations
(`fields.text` and friends), the same ones that validate requests; a PATCH body
(`PartialUpdate`) declares `null` exactly for the fields it may clear. A builder for
request bodies also declares, on every string without a pattern of its own, that NUL is
refused, as the converter refuses it; responses say nothing of the kind.
"""

import enum
import types
import typing
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import attrs

from taskhub.platform.http.fields import NUL_FREE_PATTERN, OPENAPI_KEY, PartialUpdate

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
CONVERTER_SCHEMAS = {
    "uuid": {"type": "string", "format": "uuid"},
    "int": {"type": "integer"},
    "task": {
        "type": "string",
        "description": "The task's id, or its key such as ENG-42 (any case).",
        "examples": ["ENG-42"],
    },
}


class SchemaBuilder:
    def __init__(self, *, refuses_nul: bool = False) -> None:
        self.components: dict[str, Any] = {}
        self._refuses_nul = refuses_nul

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
        if type_ is str and self._refuses_nul:
            return {"type": "string", "pattern": NUL_FREE_PATTERN}
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


PROBLEM_SCHEMA = {
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
