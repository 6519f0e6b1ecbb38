"""Query strings, read as strictly as bodies.

Every endpoint declares the query parameters it takes (`Endpoint(query=...)`); a list
also takes the page parameters below. The dispatcher reads the raw query string through
`read_query` and nothing else, so one set of rules holds for every endpoint: a parameter
that is not declared, a second copy of one that is not repeatable, a NUL character, a
value that does not parse (non-ASCII digits included) is a 422 naming the parameter,
before any database work. The same declarations describe the parameters in the OpenAPI
document, so the two cannot disagree.
"""

import enum
import re
import urllib.parse
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from taskhub.platform.http.converter import parse_timestamp
from taskhub.platform.http.cursors import CURSOR_PATTERN
from taskhub.platform.http.problems import BadRequest
from taskhub.shared_kernel.errors import FieldError, ValidationFailed
from taskhub.shared_kernel.pagination import DEFAULT_LIMIT, MAX_LIMIT

MAX_QUERY_FIELDS = 100
"""More name=value pairs than any declared query can use; beyond it the query is refused
unparsed, so its size cannot become work."""

_ASCII_DIGITS = re.compile(r"[0-9]+")


@attrs.frozen
class QueryParam:
    """One declared query parameter: how its value parses and how OpenAPI shows it.

    `parse` raises ValueError with a message starting "must" for a value it refuses; it
    may return None for a value that means "not given" (a blank search).
    """

    name: str
    parse: Callable[[str], Any]
    description: str
    schema: Mapping[str, Any] = attrs.field(factory=lambda: {"type": "string"})
    repeatable: bool = False


def _uuid(raw: str) -> uuid.UUID:
    if len(raw) > 36 or not raw.isascii():
        raise ValueError("must be a UUID")
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValueError("must be a UUID") from None


def _timestamp(raw: str) -> datetime:
    return parse_timestamp(raw)


def uuid_param(name: str, description: str) -> QueryParam:
    return QueryParam(name, _uuid, description, {"type": "string", "format": "uuid"})


MAX_LISTED_IDS = 20
"""Ids one comma-separated value may list."""

NONE = "none"
"""The value of a reference filter that asks for the rows without one."""


def uuid_list_param(name: str, description: str) -> QueryParam:
    """Repeatable, or comma-separated; parses to a frozenset of UUIDs."""

    def many(raw: str) -> frozenset[uuid.UUID]:
        parts = raw.split(",")
        if len(parts) > MAX_LISTED_IDS:
            raise ValueError(f"must list at most {MAX_LISTED_IDS} ids")
        return frozenset(_uuid(part) for part in parts)

    schema = {"type": "string", "format": "uuid"}
    return QueryParam(name, many, description, schema, repeatable=True)


def uuid_or_none_param(name: str, description: str) -> QueryParam:
    """A UUID, or `none` (returned as NONE) for the rows without one."""

    def parse(raw: str) -> uuid.UUID | str:
        if raw == NONE:
            return NONE
        try:
            return _uuid(raw)
        except ValueError:
            raise ValueError("must be a UUID or none") from None

    schema = {"oneOf": [{"type": "string", "format": "uuid"}, {"const": NONE}]}
    return QueryParam(name, parse, description, schema)


def timestamp_param(name: str, description: str) -> QueryParam:
    return QueryParam(name, _timestamp, description, {"type": "string", "format": "date-time"})


def choice_param(
    name: str, kind: type[enum.Enum], description: str, *, repeatable: bool = False
) -> QueryParam:
    """One of an enum's values; a repeatable one also takes comma-separated values and
    parses to a frozenset of members."""
    allowed = [str(member.value) for member in kind]
    message = f"must be one of: {', '.join(allowed)}"

    def one(raw: str) -> enum.Enum:
        try:
            return kind(raw)
        except ValueError:
            raise ValueError(message) from None

    def many(raw: str) -> frozenset[enum.Enum]:
        return frozenset(one(part) for part in raw.split(","))

    schema: dict[str, Any] = {"type": "string", "enum": allowed}
    return QueryParam(name, many if repeatable else one, description, schema, repeatable)


def text_param(name: str, description: str, *, max_length: int) -> QueryParam:
    """Free text, trimmed; blank means not given."""

    def parse(raw: str) -> str | None:
        if len(raw) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        return raw.strip() or None

    return QueryParam(name, parse, description, {"type": "string", "maxLength": max_length})


def name_param(name: str, description: str, *, max_length: int) -> QueryParam:
    """An exact, non-empty name matched as given."""

    def parse(raw: str) -> str:
        if not raw:
            raise ValueError("must not be empty")
        if len(raw) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        return raw

    schema = {"type": "string", "minLength": 1, "maxLength": max_length}
    return QueryParam(name, parse, description, schema)


def _limit(raw: str) -> int:
    if not _ASCII_DIGITS.fullmatch(raw) or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValueError(f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def _cursor(raw: str) -> str | None:
    # `next_cursor` is null on the last page; a client that echoes it back asks for the first.
    return raw or None


LIMIT = QueryParam(
    "limit",
    _limit,
    f"Items per page, {DEFAULT_LIMIT} unless given.",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
)
CURSOR = QueryParam(
    "cursor",
    _cursor,
    "The `next_cursor` of the previous page, as given: opaque and signed; any other value "
    "is a 400. Empty means the first page.",
    {"type": "string", "pattern": CURSOR_PATTERN},
)

TOTAL = "total"
"""The one value of `include`: add `total`, the size of the filtered list."""


def _include(raw: str) -> str:
    if raw != TOTAL:
        raise ValueError(f"must be {TOTAL}")
    return raw


INCLUDE = QueryParam(
    "include",
    _include,
    "`total` adds `total` to the response: the exact size of the filtered list, "
    "whatever the cursor. Counted only when asked.",
    {"type": "string", "enum": [TOTAL]},
)
PAGE_PARAMS: tuple[QueryParam, ...] = (LIMIT, CURSOR, INCLUDE)
"""What every list takes besides its own filters."""


def _pairs(query_string: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(
            query_string,
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_QUERY_FIELDS,
        )
    except UnicodeDecodeError:
        raise BadRequest("The query string is not valid UTF-8.", code="bad_query") from None
    except ValueError:
        raise BadRequest(
            f"The query string has more than {MAX_QUERY_FIELDS} parameters.", code="bad_query"
        ) from None


def read_query(query_string: str, declared: Sequence[QueryParam]) -> dict[str, Any]:
    """The parsed values of the declared parameters that were given.

    A repeatable parameter maps to a tuple of its parsed values, in order; any other to
    its one parsed value. ValidationFailed names every parameter that is wrong.
    """
    by_name = {param.name: param for param in declared}
    given: dict[str, list[str]] = {}
    for name, value in _pairs(query_string):
        given.setdefault(name, []).append(value)
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, raw_values in given.items():
        param = by_name.get(name)
        if param is None:
            errors.append(FieldError(name, "is not a known query parameter"))
        elif len(raw_values) > 1 and not param.repeatable:
            errors.append(FieldError(name, "must be given at most once"))
        elif any("\x00" in raw for raw in raw_values):
            errors.append(FieldError(name, "must not contain the NUL character"))
        else:
            try:
                parsed = [param.parse(raw) for raw in raw_values]
            except ValueError as exc:
                errors.append(FieldError(name, _message(exc)))
                continue
            values[name] = tuple(parsed) if param.repeatable else parsed[0]
    if errors:
        raise ValidationFailed(errors, detail="The query string has invalid parameters.")
    return values


def _message(exc: ValueError) -> str:
    text = str(exc)
    # A parser's own words are the API's; anything else a library said is not.
    return text if text.startswith("must") else "has the wrong format"
