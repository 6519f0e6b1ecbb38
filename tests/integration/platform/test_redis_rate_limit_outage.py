"""The Redis rate limiter when Redis is gone: the quota still holds in each process, the
outage is logged once and counted, and the shared counts come back with Redis.

Nothing is mocked: a closed port is a Redis that refuses, a socket that never answers is
one that hangs, and a relay to the real Redis opened on that closed port is Redis coming
back.
"""

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
import structlog
from prometheus_client import CollectorRegistry

from taskhub.platform.rate_limit import InMemoryRateLimiter, RateDecision, RedisRateLimiter
from taskhub.platform.rate_limit_fallback import (
    ASK_AGAIN_AFTER_SECONDS,
    FallbackCounters,
    FallbackRateLimiter,
    redis_rate_limiter,
)
from taskhub.platform.redis_client import fast_failing_redis
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import REDIS_URL

DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
PER_MINUTE = RateLimit(quota=3, window_seconds=60)


def sample(registry: CollectorRegistry, name: str) -> float | None:
    return registry.get_sample_value(name)


def hit_many(url: str, hits: int) -> tuple[list[RateDecision], CollectorRegistry, list[dict]]:
    registry = CollectorRegistry()
    limiter = redis_rate_limiter(url, registry=registry)
    with structlog.testing.capture_logs() as logs:
        decisions = [limiter.hit("alice", PER_MINUTE) for _ in range(hits)]
    return decisions, registry, logs


def test_a_dead_redis_leaves_the_quota_to_each_process_and_says_so_once() -> None:
    decisions, registry, logs = hit_many(DEAD_REDIS_URL, hits=40)

    assert [d.allowed for d in decisions] == [True] * 3 + [False] * 37
    assert [(log["event"], log["log_level"]) for log in logs] == [
        ("rate_limiter_degraded", "warning")
    ]
    assert "Connection refused" in logs[0]["error"]
    assert sample(registry, "taskhub_rate_limiter_fallback_total") == 40
    # Redis is asked again at most once a second, not on every request.
    assert sample(registry, "taskhub_rate_limiter_errors_total") == 1


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers: a hung Redis."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def test_a_hung_redis_costs_one_timeout_then_the_process_limits_alone(silent_server: str) -> None:
    decisions, registry, logs = hit_many(silent_server, hits=5)

    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert "Timeout" in logs[0]["error"]
    assert sample(registry, "taskhub_rate_limiter_errors_total") == 1


def test_limiters_without_a_registry_still_fall_back() -> None:
    # Several instances must not collide on counter names they never export.
    first, second = redis_rate_limiter(DEAD_REDIS_URL), redis_rate_limiter(DEAD_REDIS_URL)
    with structlog.testing.capture_logs():
        assert first.hit("alice", PER_MINUTE).allowed
        assert second.hit("alice", PER_MINUTE).allowed


class Relay:
    """Forwards TCP connections on `port` to the real Redis, once started."""

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self._port = port
        self._target = target
        self._server: socket.socket | None = None
        self._sockets: list[socket.socket] = []

    def start(self) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self._port))
        server.listen(16)
        self._server = server
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        assert self._server is not None
        while True:
            try:
                inbound, _ = self._server.accept()
            except OSError:
                return
            outbound = socket.create_connection(self._target)
            self._sockets += [inbound, outbound]
            for source, sink in ((inbound, outbound), (outbound, inbound)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)

    def close(self) -> None:
        for sock in [*self._sockets, *([self._server] if self._server else [])]:
            with contextlib.suppress(OSError):
                sock.close()


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Monotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.redis
def test_when_redis_answers_again_the_shared_counts_are_used_again(
    redis_client: "redis.Redis",
) -> None:
    target = redis.Redis.from_url(REDIS_URL).connection_pool.connection_kwargs
    port = closed_port()
    relay = Relay(port, (target["host"], target["port"]))
    prefix = f"taskhub-test:{uuid.uuid4().hex}:"
    shared = RedisRateLimiter(fast_failing_redis(f"redis://127.0.0.1:{port}/0"), key_prefix=prefix)
    registry, clock = CollectorRegistry(), Monotonic()
    limiter = FallbackRateLimiter(
        shared, InMemoryRateLimiter(), counters=FallbackCounters.on(registry), clock=clock
    )
    limit = RateLimit(quota=1000, window_seconds=3600)
    try:
        with structlog.testing.capture_logs() as logs:
            assert limiter.hit("alice", limit).allowed  # Redis refuses: counted here
            relay.start()
            assert limiter.hit("alice", limit).allowed  # not asked again yet
            assert limiter.degraded
            clock.now += ASK_AGAIN_AFTER_SECONDS
            assert limiter.hit("alice", limit).allowed  # asked, and it answers
            assert limiter.hit("alice", limit).allowed
        assert not limiter.degraded
        assert [log["event"] for log in logs] == ["rate_limiter_degraded", "rate_limiter_recovered"]
        assert sample(registry, "taskhub_rate_limiter_fallback_total") == 2
        counted = redis_client.get(shared.redis_key("alice", limit, time.time()))
        assert counted is not None
        assert int(counted) >= 2
    finally:
        relay.close()
        for key in redis_client.scan_iter(match=f"{prefix}*"):
            redis_client.delete(key)
