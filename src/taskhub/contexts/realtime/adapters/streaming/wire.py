"""What goes on the wire: each event encoded once per process, whatever the number of
connections it goes to, as an SSE frame and as a WebSocket `event` message."""

import uuid
from collections.abc import Mapping
from typing import Any

import attrs

from taskhub.contexts.integrations.public import PublishedEvent
from taskhub.platform.http.media import dumps

SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/event-stream; charset=utf-8\r\n"
    b"Cache-Control: no-cache, no-store\r\n"
    b"Connection: close\r\n"
    b"X-Accel-Buffering: no\r\n"
    b"X-Content-Type-Options: nosniff\r\n"
)
SSE_PING = b": ping\n\n"


@attrs.frozen(kw_only=True)
class EncodedEvent:
    position: int
    type: str
    data: Mapping[str, Any]
    sse: bytes
    ws: bytes


def feed_item(event: PublishedEvent) -> bytes:
    """The event exactly as the feed's item (`{id, type, occurred_at, data}`)."""
    return dumps(
        {"id": event.id, "type": event.type, "occurred_at": event.occurred_at, "data": event.data}
    )


def encode(event: PublishedEvent) -> EncodedEvent:
    item = feed_item(event)
    head = b"id: %s\nevent: %s\n" % (str(event.id).encode(), event.type.encode())
    return EncodedEvent(
        position=event.position,
        type=event.type,
        data=event.data,
        sse=head + b"data: " + item + b"\n\n",
        ws=b'{"type":"event","event":' + item + b"}",
    )


def sse_head(request_id: str | None) -> bytes:
    extra = b"" if request_id is None else b"X-Request-ID: %s\r\n" % request_id.encode("latin-1")
    # `retry` tells EventSource how long to wait before reconnecting (milliseconds).
    return SSE_HEAD + extra + b"\r\nretry: 2000\n\n"


def ws_error(code: str, detail: str, errors: list[dict[str, str]] | None = None) -> bytes:
    """A frame telling the client its message was refused; the socket stays open."""
    body: dict[str, Any] = {"type": "error", "error": {"code": code, "detail": detail}}
    if errors:
        body["error"]["errors"] = errors
    return dumps(body)


def ws_subscribed(types: frozenset[str] | None, project_ids: frozenset[uuid.UUID] | None) -> bytes:
    """The acknowledgement of a `subscribe` (or `resume`), so a client knows from which
    message on its new filter holds."""
    return dumps(
        {
            "type": "subscribed",
            "types": None if types is None else sorted(types),
            "project_ids": None if project_ids is None else sorted(str(p) for p in project_ids),
        }
    )
