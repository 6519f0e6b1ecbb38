"""The audit log's query-string filters, read strictly: a bad value is a 422 on its name."""

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from taskhub.contexts.audit.application.ports import AuditFilter
from taskhub.contexts.audit.domain.entry import MAX_ACTION_LENGTH, MAX_ENTITY_TYPE_LENGTH
from taskhub.platform.http.converter import parse_timestamp
from taskhub.shared_kernel.errors import FieldError, ValidationFailed


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValueError("must be a UUID") from None


def _name(limit: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if not raw:
            raise ValueError("must not be empty")
        if len(raw) > limit:
            raise ValueError(f"must be at most {limit} characters")
        return raw

    return parse


_PARSERS: dict[str, Callable[[str], Any]] = {
    "actor_id": _uuid,
    "action": _name(MAX_ACTION_LENGTH),
    "entity_type": _name(MAX_ENTITY_TYPE_LENGTH),
    "entity_id": _uuid,
    "since": parse_timestamp,
    "until": parse_timestamp,
}

FILTER_DESCRIPTION = (
    "Filters, all optional and combined with AND: `actor_id` (UUID), `action` "
    "(exact, e.g. `member.added`), `entity_type`, `entity_id` (UUID), `since` "
    "(RFC 3339, inclusive) and `until` (RFC 3339, exclusive). Each may be given once; "
    "an invalid value is a 422 naming the parameter."
)


def audit_filter(query: Mapping[str, list[str]]) -> AuditFilter:
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, parse in _PARSERS.items():
        given = query.get(name)
        if not given:
            continue
        if len(given) > 1:
            errors.append(FieldError(name, "must be given at most once"))
            continue
        try:
            values[name] = parse(given[0])
        except ValueError as exc:
            errors.append(FieldError(name, str(exc)))
    if errors:
        raise ValidationFailed(errors)
    return AuditFilter(**values)
