"""The strict JSON <-> attrs converter every HTTP adapter builds on.

cattrs is lenient by default (it would turn 123 into "123"); an API contract must not
be, so scalar hooks here accept exactly the JSON type they describe. Structuring errors
are flattened into `FieldError`s with paths like `operations[3].title`.
"""

import enum
import typing
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from taskhub.platform.http.fields import InvalidField, PartialUpdate, refused_nulls
from taskhub.shared_kernel.errors import FieldError, ValidationFailed

T = TypeVar("T")


_NULL = "must not be null"
"""What a field that takes no `null` says of one, whatever its type."""


def _strict_str(value: Any, type_: Any) -> str:
    # A str-based enum (Role) dispatches here before any Enum hook: its MRO has str first.
    if type_ is not str and isinstance(type_, type) and issubclass(type_, enum.Enum):
        return _enum(value, type_)  # type: ignore[return-value]
    if value is None:
        raise TypeError(_NULL)
    if not isinstance(value, str):
        raise TypeError("must be a string")
    if "\x00" in value:
        # PostgreSQL cannot store it, and no legitimate text needs it.
        raise ValueError("must not contain the NUL character")
    return value


def _strict_int(value: Any, _type: Any) -> int:
    if value is None:
        raise TypeError(_NULL)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("must be an integer")
    return value


def _strict_float(value: Any, _type: Any) -> float:
    if value is None:
        raise TypeError(_NULL)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("must be a number")
    return float(value)


def _strict_bool(value: Any, _type: Any) -> bool:
    if value is None:
        raise TypeError(_NULL)
    if not isinstance(value, bool):
        raise TypeError("must be true or false")
    return value


def _uuid(value: Any, _type: Any) -> uuid.UUID:
    if value is None:
        raise TypeError(_NULL)
    if not isinstance(value, str):
        raise TypeError("must be a UUID string")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValueError("must be a UUID") from None


_TIMESTAMP_FORMAT = "must be an RFC 3339 timestamp such as 2026-11-22T10:00:00Z"


def parse_timestamp(value: str) -> datetime:
    """An RFC 3339 timestamp with an offset, normalised to UTC.

    Only ASCII digits count, and the instant must fall within years 0001..9999 once the
    offset is applied: `0001-01-01T00:00:00+05:00` is a valid string for no storable time.
    """
    if not value.isascii():
        raise ValueError(_TIMESTAMP_FORMAT)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(_TIMESTAMP_FORMAT) from None
    if parsed.tzinfo is None:
        raise ValueError("must include a timezone offset, e.g. 2026-11-22T10:00:00Z")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError("must be within the years 0001 to 9999 in UTC") from None


def _datetime(value: Any, _type: Any) -> datetime:
    if value is None:
        raise TypeError(_NULL)
    if not isinstance(value, str):
        raise TypeError("must be an RFC 3339 timestamp string")
    return parse_timestamp(value)


def _date(value: Any, _type: Any) -> date:
    """A calendar date, `YYYY-MM-DD` in ASCII digits and nothing else."""
    if value is None:
        raise TypeError(_NULL)
    if not isinstance(value, str):
        raise TypeError("must be a date string such as 2026-11-22")
    if not (value.isascii() and len(value) == 10):
        raise ValueError("must be a date such as 2026-11-22")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date such as 2026-11-22") from None


def format_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _enum(value: Any, type_: type[enum.Enum]) -> enum.Enum:
    if value is None:
        raise TypeError(_NULL)
    try:
        return type_(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in type_)
        raise ValueError(f"must be one of: {allowed}") from None


def make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(float, _strict_float)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(uuid.UUID, _uuid)
    converter.register_structure_hook(datetime, _datetime)
    converter.register_structure_hook(date, _date)
    converter.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum
    )
    converter.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, PartialUpdate),
        lambda t: _partial_update_hook(converter, t),
    )
    # JSON has one array type and one object type; nothing else passes for them.
    converter.register_structure_hook_factory(_is_array, lambda t: _array_hook(converter, t))
    converter.register_structure_hook_factory(_is_object, lambda t: _object_hook(converter, t))
    converter.register_structure_hook_factory(_is_literal, _literal_hook)
    converter.register_structure_hook_factory(
        lambda t: attrs.has(t) and not issubclass(t, PartialUpdate),
        lambda t: _object_only(converter, t),
    )
    converter.register_unstructure_hook(uuid.UUID, str)
    converter.register_unstructure_hook(datetime, format_timestamp)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    return converter


def _is_array(type_: Any) -> bool:
    return typing.get_origin(type_) in (list, tuple)


def _is_object(type_: Any) -> bool:
    return typing.get_origin(type_) is dict


def _is_literal(type_: Any) -> bool:
    return typing.get_origin(type_) is typing.Literal


def _array_hook(converter: cattrs.Converter, type_: Any) -> Any:
    args = typing.get_args(type_)
    item_type = args[0] if args else Any
    structure_item = converter.get_structure_hook(item_type)
    container = typing.get_origin(type_)

    def structure_array(value: Any, _type: Any) -> Any:
        if not isinstance(value, list):
            raise TypeError("must be an array")
        items, errors = [], []
        for index, item in enumerate(value):
            try:
                items.append(structure_item(item, item_type))
            except Exception as exc:  # gathered and reported per index
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"Structuring item @ index {index}", index, item_type),
                ]
                errors.append(exc)
        if errors:
            raise IterableValidationError("While structuring an array", errors, type_)
        return tuple(items) if container is tuple else items

    return structure_array


def _object_hook(converter: cattrs.Converter, type_: Any) -> Any:
    args = typing.get_args(type_)
    value_type = args[1] if len(args) == 2 else Any
    structure_value = converter.get_structure_hook(value_type)

    def structure_object(value: Any, _type: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError("must be an object")
        if value_type is Any:
            return dict(value)
        return {str(k): structure_value(v, value_type) for k, v in value.items()}

    return structure_object


def _literal_hook(type_: Any) -> Any:
    allowed = typing.get_args(type_)

    def structure_literal(value: Any, _type: Any) -> Any:
        if value not in allowed or isinstance(value, bool) != any(
            isinstance(a, bool) for a in allowed
        ):
            raise ValueError(f"must be one of: {', '.join(str(a) for a in allowed)}")
        return value

    return structure_literal


def _object_only(converter: cattrs.Converter, cls: type[Any]) -> Any:
    base = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

    def structure_object(value: Any, type_: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError("must be an object")
        return base(value, type_)

    return structure_object


def _partial_update_hook(converter: cattrs.Converter, cls: type[Any]) -> Any:
    base = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

    def structure_partial(data: Any, type_: Any) -> Any:
        if not isinstance(data, dict):
            raise TypeError("must be an object")
        nulls = refused_nulls(cls, data)
        if nulls:
            raise ClassValidationError(
                "null sent for fields that cannot be cleared",
                [InvalidField(name, _NULL) for name in nulls],
                cls,
            )
        result = base(data, type_)
        object.__setattr__(result, "provided", frozenset(data))
        return result

    return structure_partial


def structure(converter: cattrs.Converter, data: Any, type_: type[T]) -> T:
    """Structure `data` or raise ValidationFailed naming every bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed.single("body", "must be a JSON object")
    try:
        return converter.structure(data, type_)
    except Exception as exc:
        errors = sorted(set(_field_errors(exc, "")), key=lambda e: e.field)
        raise ValidationFailed(errors or [FieldError("body", "is invalid")]) from None


def _join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def _field_errors(exc: BaseException, path: str) -> Iterator[FieldError]:
    if isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, without_notes = exc.group_exceptions()
        for inner, note in with_notes:
            key = getattr(note, "name", None)
            if key is None:
                key = getattr(note, "index", None)
            yield from _field_errors(inner, _join(path, key) if key is not None else path)
        for inner in without_notes:
            yield from _field_errors(inner, path)
    elif isinstance(exc, InvalidField):
        yield FieldError(_join(path, exc.field), exc.message)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            yield FieldError(_join(path, key), "is not a known field")
    elif isinstance(exc, KeyError):
        yield FieldError(path or "body", "is required")
    elif (
        isinstance(exc, ValueError | TypeError)
        and exc.args
        and isinstance(exc.args[0], str)
        and exc.args[0].startswith(("must", "is "))
    ):
        yield FieldError(path or "body", exc.args[0])
    else:
        # Whatever a library said, the client hears the API's words, never Python's.
        yield FieldError(path or "body", "has the wrong type or value")
