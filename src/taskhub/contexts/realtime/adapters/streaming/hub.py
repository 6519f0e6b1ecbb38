"""The per-process hub that serves every handed-off stream of this process.

One asyncio loop in a daemon thread, started on the first stream (after gunicorn's
fork), owns all connections. Per organization it keeps the last position it fanned out;
a wake from the bus makes it read that organization's newer events once (reads of one
organization never overlap, and wakes during a read coalesce into one more read),
encode each event once and offer it to the organization's connections in position
order. A new or resumed connection registers first, then reads its own backlog, then
goes live (`StreamCursor`), so nothing falls between and nothing comes twice. Every
half second the distinct (credential, organization) pairs among open connections are
asked again; a stream whose answer changed ends. Blocking reads run on a small thread
pool, never on the loop.
"""

import asyncio
import concurrent.futures
import json
import socket
import threading
import uuid
from collections.abc import Coroutine, Mapping
from typing import Any

import attrs
import structlog
from websockets.frames import Frame, Opcode

from taskhub.contexts.integrations.public import OrgEventLog
from taskhub.contexts.realtime.adapters.streaming.bus_wakeups import BusWakeups
from taskhub.contexts.realtime.adapters.streaming.connections import (
    AcceptedStream,
    Connection,
    SseConnection,
    WsConnection,
)
from taskhub.contexts.realtime.adapters.streaming.wire import encode, ws_error, ws_subscribed
from taskhub.contexts.realtime.application.streams import (
    AccessCheck,
    StreamOpening,
    client_resume_point,
    client_subscription,
)
from taskhub.contexts.realtime.domain.stream import BACKLOG_PAGE, StreamCursor, StreamEnd
from taskhub.shared_kernel.errors import Gone, ValidationFailed

log = structlog.get_logger("taskhub.realtime")

READ_LIMIT = 500
DB_THREADS = 4
POLICY_VIOLATION = 1008
# How often the credentials of open streams are asked again. The contract ends a stream
# within 2 s of its credential dying; half a second leaves the check itself (one
# authentication per distinct credential, on a busy host) the rest of the budget.
RECHECK_SECONDS = 0.5


@attrs.define
class OrgChannel:
    """An organization's connections and how far the hub has fanned its events out."""

    connections: set[Connection] = attrs.field(factory=set)
    position: int | None = None
    reading: bool = False
    again: bool = False


class StreamHub:
    def __init__(
        self,
        *,
        log: OrgEventLog,
        access: AccessCheck,
        opening: StreamOpening,
        wakeups: BusWakeups | None,
        heartbeat_seconds: float,
        recheck_seconds: float = RECHECK_SECONDS,
    ) -> None:
        self._log = log
        self._access = access
        self._opening = opening
        self._wakeups = wakeups
        self._heartbeat_seconds = heartbeat_seconds
        self._recheck_seconds = recheck_seconds
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.bus_ready = threading.Event()
        self._channels: dict[uuid.UUID, OrgChannel] = {}
        self._connections: set[Connection] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- from any thread ---------------------------------------------------------------

    def adopt(self, sock: socket.socket, stream: AcceptedStream) -> None:
        """Take a handed-off connection; the hub answers it from here on."""
        loop = self.start()
        loop.call_soon_threadsafe(self._spawn, self._serve(sock, stream))

    def wake(self, org_id: uuid.UUID) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake, org_id)

    def wake_all(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake_all)

    def stop(self, timeout: float = 5.0) -> None:
        """End every stream and stop the loop and the bus listener (tests; a serving
        process just exits)."""
        self._stop.set()
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        thread.join(timeout)

    async def _shutdown(self) -> None:
        current = asyncio.current_task()
        tasks = [task for task in asyncio.all_tasks() if task is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for connection in list(self._connections):
            connection.drop()
        asyncio.get_running_loop().stop()

    def open_connections(self) -> int:
        return len(self._connections)

    def start(self) -> asyncio.AbstractEventLoop:
        """Start the loop (and the bus listener) once per process, lazily: a process
        forked after this would not inherit the thread."""
        with self._lock:
            if self._loop is not None:
                return self._loop
            loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._run, args=(loop,), name="realtime-hub", daemon=True
            )
            loop.set_default_executor(
                concurrent.futures.ThreadPoolExecutor(DB_THREADS, thread_name_prefix="realtime-db")
            )
            self._thread.start()
            if self._wakeups is not None:
                threading.Thread(
                    target=self._wakeups.run,
                    args=(self.wake, self.wake_all, self._stop, self.bus_ready),
                    name="realtime-bus",
                    daemon=True,
                ).start()
            else:
                self.bus_ready.set()
            self._loop = loop
            return loop

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        loop.create_task(self._every(self._recheck_seconds, self._recheck))
        loop.create_task(self._every(self._heartbeat_seconds, self._heartbeat))
        loop.run_forever()
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()

    # -- on the loop -------------------------------------------------------------------

    def _spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _every(self, seconds: float, action: Any) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await action()
            except Exception:
                log.exception("realtime_periodic_failed")

    async def _heartbeat(self) -> None:
        for connection in list(self._connections):
            connection.heartbeat()

    async def _recheck(self) -> None:
        pairs = {c.pair for c in self._connections if not c.ended.is_set()}
        if not pairs:
            return
        ended: Mapping[tuple[str, uuid.UUID], StreamEnd] = await asyncio.to_thread(
            self._access.verdicts, pairs
        )
        for connection in list(self._connections):
            reason = ended.get(connection.pair)
            if reason is not None:
                connection.end(reason)

    def _wake_all(self) -> None:
        for org_id in list(self._channels):
            self._wake(org_id)

    def _wake(self, org_id: uuid.UUID) -> None:
        channel = self._channels.get(org_id)
        if channel is None or channel.position is None:
            return
        if channel.reading:
            channel.again = True
            return
        channel.reading = True
        self._spawn(self._read_org(org_id, channel))

    async def _read_org(self, org_id: uuid.UUID, channel: OrgChannel) -> None:
        """Read the organization's new events once and offer them to its connections."""
        try:
            while channel.position is not None:
                channel.again = False
                events = await asyncio.to_thread(
                    self._log.after, org_id, channel.position, limit=READ_LIMIT
                )
                for event in events:
                    encoded = encode(event)
                    for connection in list(channel.connections):
                        connection.offer(encoded)
                    channel.position = event.position
                if len(events) < READ_LIMIT and not channel.again:
                    break
        except Exception:
            log.exception("realtime_read_failed", org_id=str(org_id))
            asyncio.get_running_loop().call_later(1.0, self._wake, org_id)
        finally:
            channel.reading = False

    async def _catch_up(self, connection: Connection) -> None:
        """Read the connection's backlog until it has passed what the hub fanned out."""
        channel = self._channels.get(connection.org_id)
        while channel is not None and not connection.ended.is_set():
            events = await asyncio.to_thread(
                self._log.after, connection.org_id, connection.cursor.position, limit=BACKLOG_PAGE
            )
            for event in events:
                connection.take(encode(event))
            if len(events) == BACKLOG_PAGE:
                continue
            if connection.cursor.caught_up(channel.position):
                if channel.position is None:
                    channel.position = connection.cursor.position
                    # Events may have committed since the read; the wake reads them.
                    self._wake(connection.org_id)
                return

    async def _serve(self, sock: socket.socket, stream: AcceptedStream) -> None:
        sock.setblocking(False)
        try:
            reader, writer = await asyncio.open_connection(sock=sock)
        except OSError:
            sock.close()
            return
        kind = WsConnection if stream.websocket is not None else SseConnection
        connection = kind(stream, reader, writer)
        channel = self._channels.setdefault(stream.org_id, OrgChannel())
        channel.connections.add(connection)
        self._connections.add(connection)
        reading = asyncio.get_running_loop().create_task(self._listen(connection))
        try:
            connection.start()
            await self._catch_up(connection)
            await connection.ended.wait()
        except Exception:
            log.exception("realtime_stream_failed")
        finally:
            channel.connections.discard(connection)
            self._connections.discard(connection)
            if not channel.connections and self._channels.get(stream.org_id) is channel:
                del self._channels[stream.org_id]
            reading.cancel()
            connection.ended.set()
            if isinstance(connection, WsConnection):
                # Leave the client a moment to read the close frame and answer it.
                asyncio.get_running_loop().call_later(1.0, writer.close)
            else:
                writer.close()

    async def _listen(self, connection: Connection) -> None:
        """Read what the client sends: for SSE only the end of the connection; for a
        WebSocket its frames, fed to websockets' protocol."""
        try:
            while True:
                data = await connection.reader.read(65536)
                if isinstance(connection, WsConnection):
                    if data:
                        connection.protocol.receive_data(data)
                    else:
                        connection.protocol.receive_eof()
                    for frame in connection.protocol.events_received():
                        if isinstance(frame, Frame):
                            await self._on_frame(connection, frame.opcode, bytes(frame.data))
                    connection.flush()
                if not data:
                    break
        except (ConnectionError, OSError):
            pass
        finally:
            connection.drop()

    async def _on_frame(self, connection: WsConnection, opcode: Opcode, payload: bytes) -> None:
        if opcode is Opcode.CLOSE:
            connection.ended.set()
            return
        if opcode is Opcode.BINARY:
            connection.close(POLICY_VIOLATION, "send JSON text messages")
            return
        if opcode is not Opcode.TEXT:
            return
        try:
            message = json.loads(payload)
        except ValueError:
            connection.send_text(ws_error("invalid_message", "The message is not JSON."))
            return
        if not isinstance(message, dict) or message.get("type") not in ("subscribe", "resume"):
            connection.send_text(
                ws_error(
                    "invalid_message",
                    'A message is {"type": "subscribe", ...} or {"type": "resume", ...}.',
                )
            )
            return
        try:
            if message["type"] == "subscribe":
                connection.filter = await asyncio.to_thread(
                    client_subscription, self._opening, message
                )
                connection.send_text(
                    ws_subscribed(connection.filter.types, connection.filter.project_ids)
                )
                return
            after = client_resume_point(message)
            position = await asyncio.to_thread(self._opening.resume_point, connection.org_id, after)
        except ValidationFailed as exc:
            errors = [{"field": e.field, "message": e.message} for e in exc.errors]
            connection.send_text(ws_error("validation_error", exc.detail, errors))
            return
        except Gone:
            connection.end(StreamEnd.RESUME_GONE)
            return
        connection.cursor = StreamCursor(position=position)
        connection.send_text(ws_subscribed(connection.filter.types, connection.filter.project_ids))
        await self._catch_up(connection)
