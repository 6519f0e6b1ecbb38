"""attrs fields that carry their own limits.

A request schema declares `title: str = text(min_length=1, max_length=200)` once; the
same metadata validates the body (through cattrs, as a field error with a path) and
describes the field in the OpenAPI document, so the two cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import attrs

OPENAPI_KEY = "openapi"


def _check_text(
    min_length: int, max_length: int | None, pattern: str | None, not_blank: bool
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    compiled = re.compile(pattern) if pattern else None

    def check(_instance: Any, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if len(value) < min_length:
            raise ValueError(
                "must not be empty"
                if min_length == 1
                else f"must be at least {min_length} characters"
            )
        if max_length is not None and len(value) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        if not_blank and not value.strip():
            raise ValueError("must not be blank")
        if compiled is not None and not compiled.fullmatch(value):
            raise ValueError(f"must match {pattern}")

    return check


def text(
    *,
    min_length: int = 0,
    max_length: int | None = None,
    pattern: str | None = None,
    not_blank: bool = False,
    description: str | None = None,
    example: str | None = None,
    default: Any = attrs.NOTHING,
) -> Any:
    schema: dict[str, Any] = {}
    if min_length:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    if pattern is not None:
        schema["pattern"] = f"^{pattern}$"
    if description:
        schema["description"] = description
    if example is not None:
        schema["examples"] = [example]
    return attrs.field(
        default=default,
        validator=_check_text(min_length, max_length, pattern, not_blank),
        metadata={OPENAPI_KEY: schema},
    )


def integer(
    *, minimum: int | None = None, maximum: int | None = None, default: Any = attrs.NOTHING
) -> Any:
    def check(_instance: Any, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"must be at most {maximum}")

    schema: dict[str, Any] = {}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return attrs.field(default=default, validator=check, metadata={OPENAPI_KEY: schema})


def described(
    description: str, *, default: Any = attrs.NOTHING, examples: Sequence[Any] = ()
) -> Any:
    schema: dict[str, Any] = {"description": description}
    if examples:
        schema["examples"] = list(examples)
    return attrs.field(default=default, metadata={OPENAPI_KEY: schema})
