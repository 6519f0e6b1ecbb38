"""The catalogue of published events: every type names the attrs class of its `data`.

Partners validate what they receive against the JSON Schema `GET /event-types` serves,
so the schema and the payload must not be able to disagree. Both come from one class:
`event_data` turns an instance into the JSON-ready payload, `json_schema` describes the
class. A field added to the class is in both at once; a payload built any other way is
not in the catalogue.

Supported field types are the ones payloads use: `str`, `int`, `float`, `bool`,
`uuid.UUID` (a string), `datetime` (RFC 3339 in UTC with a `Z`), `date` (`YYYY-MM-DD`), `X | None`,
`list[X]`, nested attrs classes and `dict[str, Any]` (an object of any shape).
"""

import enum
import types
import typing
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import attrs


@attrs.frozen
class EventType:
    """One published type: its name (the routing key), its `data` class and what it means."""

    name: str
    data: type
    description: str

    def schema(self) -> dict[str, Any]:
        return json_schema(self.data)


def event_data(value: Any) -> dict[str, Any]:
    """An instance of a `data` class as its JSON-ready payload."""
    if not attrs.has(type(value)):
        raise TypeError(f"{type(value).__name__} is not an attrs class")
    converted: dict[str, Any] = _json_value(value)
    return converted


def _json_value(value: Any) -> Any:
    if attrs.has(type(value)):
        return {
            field.name: _json_value(getattr(value, field.name))
            for field in attrs.fields(type(value))
        }
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(_json_value(item) for item in value)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    return value


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema (2020-12) of the payload `event_data` makes from an instance of `cls`."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **_object_schema(cls)}


def _object_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cls)
    return {
        "type": "object",
        "properties": {field.name: _schema(hints[field.name]) for field in fields},
        "required": [field.name for field in fields],
        "additionalProperties": False,
    }


_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    uuid.UUID: {"type": "string", "format": "uuid"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
}


def _schema(hint: Any) -> dict[str, Any]:
    if hint in _SCALARS:
        return dict(_SCALARS[hint])
    if hint is Any:
        return {}
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        options = [_schema(argument) for argument in arguments if argument is not type(None)]
        nullable = type(None) in arguments
        if len(options) == 1 and nullable and "type" in options[0]:
            return {**options[0], "type": [options[0]["type"], "null"]}
        return {"anyOf": options + ([{"type": "null"}] if nullable else [])}
    if origin is typing.Literal:
        return {"enum": list(arguments)}
    if origin in (list, tuple, frozenset, set):
        return {"type": "array", "items": _schema(arguments[0])}
    if origin in (dict, Mapping) or hint is dict:
        return {"type": "object"}
    if isinstance(hint, type) and attrs.has(hint):
        return _object_schema(hint)
    raise TypeError(f"no JSON Schema for {hint!r}")
