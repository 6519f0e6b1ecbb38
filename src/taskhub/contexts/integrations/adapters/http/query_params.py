"""The event feed's query-string parameters, declared for the platform's strict reader."""

from taskhub.contexts.integrations.domain.feed import MAX_TYPE_PATTERNS
from taskhub.platform.http.query import QueryParam, uuid_param

_MAX_TYPES_LENGTH = 64 * MAX_TYPE_PATTERNS


def _patterns(raw: str) -> tuple[str, ...]:
    if not raw:
        raise ValueError("must name at least one event type pattern")
    if len(raw) > _MAX_TYPES_LENGTH:
        raise ValueError(f"must be at most {_MAX_TYPES_LENGTH} characters")
    return tuple(raw.split(","))


EVENT_FEED_QUERY: tuple[QueryParam, ...] = (
    uuid_param("after", "Continue after this event (its `id`); 410 once it is past retention."),
    QueryParam(
        "types",
        _patterns,
        "Comma-separated event types, `<entity>.*` or `*`, e.g. `task.*,comment.created`; "
        "a pattern that names no known type is a 422.",
        {"type": "string", "minLength": 1, "maxLength": _MAX_TYPES_LENGTH},
    ),
)
