"""The hub on real socket pairs and the fake event log: one read per organization per
wake however many connections, each event to each connection once, in order."""

import socket
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from taskhub.contexts.realtime.adapters.streaming.connections import AcceptedStream
from taskhub.contexts.realtime.adapters.streaming.hub import StreamHub
from taskhub.contexts.realtime.domain.stream import StreamFilter
from tests.unit.realtime.conftest import World

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _read_until(client: socket.socket, count: int, timeout: float = 5.0) -> list[str]:
    """The `id:` lines of the first `count` events the client receives."""
    client.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while data.count(b"\nid: ") + data.startswith(b"id: ") < count:
        assert time.monotonic() < deadline, data
        chunk = client.recv(65536)
        assert chunk, data
        data += chunk
    return [line[4:] for line in data.decode().split("\n") if line.startswith("id: ")]


@pytest.fixture
def hub(world: World) -> Iterator[StreamHub]:
    hub = StreamHub(
        log=world.log,
        access=world.access,
        opening=world.opening,
        wakeups=None,
        heartbeat_seconds=3600,
        recheck_seconds=3600,
    )
    yield hub
    hub.stop()


@pytest.fixture
def clients() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for client in opened:
        client.close()


def _connect(hub: StreamHub, world: World, clients: list[socket.socket], **kw: object) -> None:
    server, client = socket.socketpair()
    clients.append(client)
    hub.adopt(
        server,
        AcceptedStream(
            org_id=world.org_id,
            credential="token",
            position=0,
            filter=StreamFilter(**kw),  # type: ignore[arg-type]
        ),
    )


def test_one_read_per_wake_feeds_every_connection_in_order(
    hub: StreamHub, world: World, clients: list[socket.socket]
) -> None:
    first = world.log.append(world.org_id, "task.created", NOW)
    for _ in range(30):
        _connect(hub, world, clients)
    for client in clients:
        assert _read_until(client, 1) == [str(first.id)]  # each read its own backlog
    time.sleep(0.2)
    reads = world.log.reads
    later = [world.log.append(world.org_id, "task.updated", NOW) for _ in range(3)]
    world.log.append(uuid.uuid4(), "task.created", NOW)  # another organization's
    hub.wake(world.org_id)
    for client in clients:
        received = _read_until(client, 3)
        assert received == [str(e.id) for e in later]
    assert world.log.reads - reads == 1


def test_wakes_during_a_read_coalesce_and_nothing_is_missed(
    hub: StreamHub, world: World, clients: list[socket.socket]
) -> None:
    _connect(hub, world, clients)
    _connect(hub, world, clients, types=frozenset({"comment.created"}))
    time.sleep(0.3)
    appended = []
    for i in range(20):
        appended.append(
            world.log.append(world.org_id, "comment.created" if i % 2 else "task.created", NOW)
        )
        hub.wake(world.org_id)
    everything, comments = clients
    assert _read_until(everything, 20) == [str(e.id) for e in appended]
    assert _read_until(comments, 10) == [str(e.id) for e in appended if e.type == "comment.created"]
    assert world.log.reads < 2 + 20
