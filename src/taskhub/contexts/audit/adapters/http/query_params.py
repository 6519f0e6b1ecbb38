"""The audit log's query-string filters, declared for the platform's strict reader."""

from collections.abc import Mapping
from typing import Any

from taskhub.contexts.audit.application.ports import AuditFilter
from taskhub.contexts.audit.domain.entry import MAX_ACTION_LENGTH, MAX_ENTITY_TYPE_LENGTH
from taskhub.platform.http.query import QueryParam, name_param, timestamp_param, uuid_param

AUDIT_LOG_QUERY: tuple[QueryParam, ...] = (
    uuid_param("actor_id", "Entries by this user or API key."),
    name_param("action", "Exact action, e.g. `member.added`.", max_length=MAX_ACTION_LENGTH),
    name_param("entity_type", "Exact entity type, e.g. `task`.", max_length=MAX_ENTITY_TYPE_LENGTH),
    uuid_param("entity_id", "Entries about this entity."),
    timestamp_param("since", "RFC 3339; entries at or after it."),
    timestamp_param("until", "RFC 3339; entries before it."),
)

FILTER_DESCRIPTION = (
    "Filters, all optional and combined with AND: `actor_id` (UUID), `action` "
    "(exact, e.g. `member.added`), `entity_type`, `entity_id` (UUID), `since` "
    "(RFC 3339, inclusive) and `until` (RFC 3339, exclusive). Each may be given once; "
    "an invalid value is a 422 naming the parameter."
)


def audit_filter(query: Mapping[str, Any]) -> AuditFilter:
    return AuditFilter(
        **{param.name: query[param.name] for param in AUDIT_LOG_QUERY if param.name in query}
    )
