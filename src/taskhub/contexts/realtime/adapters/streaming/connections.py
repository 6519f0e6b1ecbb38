"""One handed-off connection, SSE or WebSocket, as the hub drives it.

A connection only writes: the hub decides what it gets (`offer` from the live fan-out,
`take` from its own backlog read) and when it ends. Writes are buffered by asyncio; a
client that reads too slowly to keep its buffer under `MAX_BUFFERED` is dropped rather
than held in memory (it resumes with Last-Event-ID, losing nothing).
"""

import asyncio
import uuid

import attrs
from websockets.http11 import Response
from websockets.server import ServerProtocol

from taskhub.contexts.realtime.adapters.streaming.wire import SSE_PING, EncodedEvent, sse_head
from taskhub.contexts.realtime.domain.stream import StreamCursor, StreamEnd, StreamFilter

MAX_BUFFERED = 4 * 1024 * 1024


@attrs.frozen(kw_only=True)
class WebSocketAccept:
    """The handshake, validated in the request thread by websockets' sans-IO protocol."""

    protocol: ServerProtocol
    response: Response


@attrs.frozen(kw_only=True)
class AcceptedStream:
    """What the request thread accepted: who, which organization, from where, showing
    what; `websocket` for a WebSocket, None for SSE."""

    org_id: uuid.UUID
    credential: str
    position: int
    filter: StreamFilter
    request_id: str | None = None
    websocket: WebSocketAccept | None = None


class Connection:
    def __init__(
        self, stream: AcceptedStream, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.org_id = stream.org_id
        self.credential = stream.credential
        self.cursor = StreamCursor(position=stream.position)
        self.filter = stream.filter
        self.reader = reader
        self.writer = writer
        self.ended = asyncio.Event()
        self.end_reason: StreamEnd | None = None
        self.sent = 0

    @property
    def pair(self) -> tuple[str, uuid.UUID]:
        return (self.credential, self.org_id)

    def offer(self, event: EncodedEvent) -> None:
        """A live event from the hub's fan-out."""
        if self.cursor.offer(event.position) and self.filter.admits(event.type, event.data):
            self.send_event(event)

    def take(self, event: EncodedEvent) -> None:
        """An event of this connection's own backlog read."""
        if self.cursor.read(event.position) and self.filter.admits(event.type, event.data):
            self.send_event(event)

    def _write(self, data: bytes) -> None:
        if self.ended.is_set() or self.writer.is_closing():
            return
        self.writer.write(data)
        if self.writer.transport.get_write_buffer_size() > MAX_BUFFERED:
            self.drop()

    def drop(self) -> None:
        """End at once, without a goodbye (the client is gone or too slow)."""
        if not self.ended.is_set():
            self.ended.set()
            self.writer.transport.abort()

    def start(self) -> None:
        raise NotImplementedError

    def send_event(self, event: EncodedEvent) -> None:
        raise NotImplementedError

    def heartbeat(self) -> None:
        raise NotImplementedError

    def end(self, reason: StreamEnd) -> None:
        """End because the server says so (credential dead, access lost, resume gone)."""
        raise NotImplementedError


class SseConnection(Connection):
    def __init__(
        self,
        stream: AcceptedStream,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        super().__init__(stream, reader, writer)
        self._request_id = stream.request_id

    def start(self) -> None:
        self._write(sse_head(self._request_id))

    def send_event(self, event: EncodedEvent) -> None:
        self.sent += 1
        self._write(event.sse)

    def heartbeat(self) -> None:
        self._write(SSE_PING)

    def end(self, reason: StreamEnd) -> None:
        # A comment says why before the stream closes; the client's reconnect then gets
        # the status that applies (401, 404, 410) from the ordinary request path.
        if self.ended.is_set():
            return
        self.end_reason = reason
        self._write(b": end %d %s\n\n" % (int(reason), reason.name.lower().encode()))
        self.ended.set()
        self.writer.close()


class WsConnection(Connection):
    def __init__(
        self,
        stream: AcceptedStream,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        super().__init__(stream, reader, writer)
        assert stream.websocket is not None
        self.protocol = stream.websocket.protocol
        self._response = stream.websocket.response

    def flush(self) -> None:
        for data in self.protocol.data_to_send():
            if data:
                self._write(data)
            elif not self.ended.is_set():
                # websockets asks for the TCP connection to be half-closed: it is done.
                self.ended.set()
                self.writer.close()

    def start(self) -> None:
        self.protocol.send_response(self._response)
        self.flush()

    def send_text(self, payload: bytes) -> None:
        if self.ended.is_set():
            return
        self.protocol.send_text(payload)
        self.flush()

    def send_event(self, event: EncodedEvent) -> None:
        self.sent += 1
        self.send_text(event.ws)

    def heartbeat(self) -> None:
        if not self.ended.is_set():
            self.protocol.send_ping(b"")
            self.flush()

    def end(self, reason: StreamEnd) -> None:
        self.close(int(reason), reason.name.lower())

    def close(self, code: int, reason: str) -> None:
        if self.ended.is_set():
            return
        if self.end_reason is None and code in {int(e) for e in StreamEnd}:
            self.end_reason = StreamEnd(code)
        try:
            self.protocol.send_close(code, reason)
        except Exception:
            self.drop()
            return
        self.flush()
        self.ended.set()
        # The client answers the close; the hub closes the TCP connection shortly after.
        asyncio.get_running_loop().call_later(1.0, self.writer.close)
