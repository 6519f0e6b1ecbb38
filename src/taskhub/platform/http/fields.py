"""attrs fields that carry their own limits.

A request schema declares `title: str = text(min_length=1, max_length=200)` once; the
same metadata validates the body (through cattrs, as a field error with a path) and
describes the field in the OpenAPI document, so the two cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import attrs

from taskhub.shared_kernel.canonical_text import canonical_too_long

OPENAPI_KEY = "openapi"

NUL_FREE_PATTERN = "^[^\\u0000]*$"
"""What the document declares for every request string without a pattern of its own:
the converter refuses NUL in any string it structures (PostgreSQL cannot store it).
A field's own pattern must exclude NUL itself, since a schema holds one pattern."""


class InvalidField(ValueError):
    """A validator's complaint, carrying the field's name.

    attrs validators run in `__init__`, after cattrs has structured every field, so
    cattrs cannot tell which field failed; the name travels with the error instead.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check_text(  # noqa: PLR0917 -- private, called once, by `text` with every limit
    min_length: int,
    max_length: int | None,
    pattern: str | None,
    pattern_message: str | None,
    not_blank: bool,
    canonical: bool,
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    compiled = re.compile(pattern) if pattern else None

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        problem = None
        if len(value) < min_length:
            problem = (
                "must not be empty"
                if min_length == 1
                else f"must be at least {min_length} characters"
            )
        elif max_length is not None and len(value) > max_length:
            problem = f"must be at most {max_length} characters"
        elif canonical and max_length is not None and canonical_too_long(value, max_length):
            problem = canonical_too_long(value, max_length)
        elif not_blank and not value.strip():
            problem = "must not be blank"
        elif compiled is not None and not compiled.fullmatch(value):
            problem = pattern_message or f"must match {pattern}"
        if problem is not None:
            raise InvalidField(attribute.name, problem)

    return check


@attrs.frozen
class PartialUpdate:
    """Base of PATCH bodies: one meaning of `null` for every resource.

    A field that is absent stays as it is. A field named in `clearable` (one the
    resource may hold without a value, such as a task's `due_at`) is cleared by `null`;
    any other field sent as `null` is a 422 naming it, refused by the platform converter
    while structuring, before a handler runs. The OpenAPI document declares exactly the
    `clearable` fields nullable, from this same set.

    `provided` names the fields the client sent; the converter fills it. It is not part
    of the request: the document leaves it out and a body that sends it is a 422.
    """

    clearable: ClassVar[frozenset[str]] = frozenset()

    provided: frozenset[str] = attrs.field(factory=frozenset, init=False)

    def changes(self) -> dict[str, Any]:
        """The sent fields and their values (`None` only for a clearable field)."""
        return {name: getattr(self, name) for name in self.provided}


def refused_nulls(cls: type[PartialUpdate], data: Mapping[str, Any]) -> list[str]:
    """The fields of `cls` that `data` sends as `null` though they are not clearable."""
    names = {field.name for field in attrs.fields(cls) if field.init}
    return sorted(
        name
        for name, value in data.items()
        if value is None and name in names and name not in cls.clearable
    )


def text(
    *,
    min_length: int = 0,
    max_length: int | None = None,
    pattern: str | None = None,
    pattern_message: str | None = None,
    declared: Mapping[str, Any] | None = None,
    not_blank: bool = False,
    canonical: bool = False,
    description: str | None = None,
    example: str | None = None,
    default: Any = attrs.NOTHING,
) -> Any:
    """A string field; `pattern` is matched whole (`re.fullmatch`), refused with
    `pattern_message` if given. `declared` adds schema keywords that a layer
    behind this one enforces from the same constant (a webhook URL's scheme, which a
    setting relaxes), so the document states them without this field checking them."""
    schema: dict[str, Any] = {}
    if min_length:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    if pattern is not None:
        schema["pattern"] = f"^{pattern}$"
    if canonical and max_length is not None:
        # Compared ignoring case, so the limit holds on the lower-cased copy as well.
        limit = f"At most {max_length} characters once lower-cased."
        description = f"{description} {limit}" if description else limit
    schema.update(declared or {})
    if description:
        schema["description"] = description
    if example is not None:
        schema["examples"] = [example]
    return attrs.field(
        default=default,
        validator=_check_text(
            min_length, max_length, pattern, pattern_message, not_blank, canonical
        ),
        metadata={OPENAPI_KEY: schema},
    )


def integer(
    *, minimum: int | None = None, maximum: int | None = None, default: Any = attrs.NOTHING
) -> Any:
    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if minimum is not None and value < minimum:
            raise InvalidField(attribute.name, f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise InvalidField(attribute.name, f"must be at most {maximum}")

    schema: dict[str, Any] = {}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return attrs.field(default=default, validator=check, metadata={OPENAPI_KEY: schema})


def bounded_list(
    *, max_items: int, description: str | None = None, default: Any = attrs.NOTHING
) -> Any:
    """A JSON array of at most `max_items` items (`None` passes, for PATCH bodies)."""

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and len(value) > max_items:
            raise InvalidField(attribute.name, f"must have at most {max_items} items")

    schema: dict[str, Any] = {"maxItems": max_items}
    if description:
        schema["description"] = description
    return attrs.field(default=default, validator=check, metadata={OPENAPI_KEY: schema})


def described(
    description: str, *, default: Any = attrs.NOTHING, examples: Sequence[Any] = ()
) -> Any:
    schema: dict[str, Any] = {"description": description}
    if examples:
        schema["examples"] = list(examples)
    return attrs.field(default=default, metadata={OPENAPI_KEY: schema})
