"""The stream's and the WebSocket's query-string parameters."""

from taskhub.contexts.integrations.public import MAX_TYPE_PATTERNS
from taskhub.platform.http.query import QueryParam, uuid_param

_MAX_TYPES_LENGTH = 64 * MAX_TYPE_PATTERNS
_MAX_TICKET_LENGTH = 128


def _patterns(raw: str) -> tuple[str, ...]:
    if not raw:
        raise ValueError("must name at least one event type pattern")
    if len(raw) > _MAX_TYPES_LENGTH:
        raise ValueError(f"must be at most {_MAX_TYPES_LENGTH} characters")
    return tuple(raw.split(","))


def _ticket(raw: str) -> str:
    if not raw or len(raw) > _MAX_TICKET_LENGTH:
        raise ValueError(f"must be a ticket of at most {_MAX_TICKET_LENGTH} characters")
    return raw


_TYPES = QueryParam(
    "types",
    _patterns,
    "Comma-separated event types, `<entity>.*` or `*`, as for the feed.",
    {"type": "string", "minLength": 1, "maxLength": _MAX_TYPES_LENGTH},
)

STREAM_QUERY: tuple[QueryParam, ...] = (
    uuid_param(
        "after",
        "Resume after this event (its `id`); the `Last-Event-ID` header wins when both are "
        "given. 410 once it is past retention.",
    ),
    _TYPES,
)

WEBSOCKET_QUERY: tuple[QueryParam, ...] = (
    QueryParam(
        "ticket",
        _ticket,
        "A ticket from `POST /events/tickets`, for clients that cannot send Authorization.",
        {"type": "string", "maxLength": _MAX_TICKET_LENGTH},
    ),
    uuid_param("after", "Resume after this event (its `id`); closed with 4410 when gone."),
    _TYPES,
)
