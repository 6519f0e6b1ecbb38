"""The Redis rate limiter against a real Redis: atomic, shared between processes and
self-expiring (what it does when Redis is gone is in test_redis_rate_limit_outage.py).

The behaviour both backends promise is one contract, run here against the in-memory
limiter and the Redis one, so the in-memory limiter used in tests cannot drift.
"""

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from prometheus_client import CollectorRegistry

from taskhub.platform.rate_limit import (
    EXPIRY_MARGIN_SECONDS,
    MAX_LEASE,
    InMemoryRateLimiter,
    RateDecision,
    RateLimiter,
    RedisRateLimiter,
)
from taskhub.platform.rate_limit_fallback import redis_rate_limiter
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import REDIS_URL, new_redis_client

DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
WINDOW_START = 1_800_000_000.0  # a multiple of 60
PER_MINUTE = RateLimit(quota=3, window_seconds=60)


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def key_prefix(redis_client: "redis.Redis") -> Iterator[str]:
    """A prefix no other test uses; every key under it is deleted afterwards."""
    prefix = f"taskhub-test:{uuid.uuid4().hex}:"
    yield prefix
    keys = list(redis_client.scan_iter(match=f"{prefix}*"))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(WINDOW_START + 15.5)


class RateLimiterContract:
    """What every `RateLimiter` promises; subclasses provide a `limiter` on the fake clock."""

    def test_exactly_the_quota_is_allowed_and_remaining_counts_down(
        self, limiter: RateLimiter
    ) -> None:
        decisions = [limiter.hit("alice", PER_MINUTE) for _ in range(5)]
        assert [(d.allowed, d.remaining) for d in decisions] == [
            (True, 2),
            (True, 1),
            (True, 0),
            (False, 0),
            (False, 0),
        ]
        assert {(d.limit, d.reset_after) for d in decisions} == {(3, 45)}

    def test_the_next_window_starts_from_a_full_quota(
        self, limiter: RateLimiter, clock: FakeClock
    ) -> None:
        for _ in range(4):
            limiter.hit("alice", PER_MINUTE)
        clock.now = WINDOW_START + 60
        assert limiter.hit("alice", PER_MINUTE) == RateDecision(
            allowed=True, limit=3, remaining=2, reset_after=60
        )

    def test_keys_and_windows_are_counted_separately(self, limiter: RateLimiter) -> None:
        for _ in range(3):
            limiter.hit("alice", PER_MINUTE)
        assert limiter.hit("bob", PER_MINUTE).remaining == 2
        assert limiter.hit("alice", RateLimit(quota=3, window_seconds=3600)).remaining == 2


class TestInMemoryRateLimiterContract(RateLimiterContract):
    @pytest.fixture
    def limiter(self, clock: FakeClock) -> RateLimiter:
        return InMemoryRateLimiter(clock=clock)


@pytest.mark.redis
class TestRedisRateLimiterContract(RateLimiterContract):
    @pytest.fixture
    def limiter(
        self, redis_client: "redis.Redis", key_prefix: str, clock: FakeClock
    ) -> RateLimiter:
        return RedisRateLimiter(redis_client, key_prefix=key_prefix, clock=clock)


def hit_concurrently(
    limiters: list[RedisRateLimiter], hits_each: int, limit: RateLimit
) -> list[RateDecision]:
    """Every limiter hits the same key `hits_each` times from its own thread, all at once."""
    start = threading.Barrier(len(limiters))
    results: list[list[RateDecision]] = [[] for _ in limiters]

    def run(limiter: RedisRateLimiter, mine: list[RateDecision]) -> None:
        start.wait()
        mine.extend(limiter.hit("shared", limit) for _ in range(hits_each))

    threads = [
        threading.Thread(target=run, args=(limiter, mine))
        for limiter, mine in zip(limiters, results, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [decision for mine in results for decision in mine]


@pytest.mark.redis
def test_twenty_threads_on_one_key_get_exactly_the_quota(
    redis_client: "redis.Redis", key_prefix: str, clock: FakeClock
) -> None:
    limiter = RedisRateLimiter(redis_client, key_prefix=key_prefix, clock=clock)
    limit = RateLimit(quota=150, window_seconds=60)

    decisions = hit_concurrently([limiter] * 20, hits_each=15, limit=limit)

    allowed = [d for d in decisions if d.allowed]
    assert len(decisions) == 300
    assert len(allowed) == 150
    # Each count up to the quota was handed out once: the increments did not race.
    assert sorted(d.remaining for d in allowed) == list(range(150))
    # Leases are reserved one at a time; refusals after the quota cost Redis nothing.
    counted = int(redis_client.get(limiter.redis_key("shared", limit, clock.now)) or 0)
    assert 150 <= counted < 150 + limit.quota // 20


@pytest.mark.redis
def test_separate_processes_share_one_budget(key_prefix: str, clock: FakeClock) -> None:
    # Two clients with their own connection pools stand in for two workers.
    first_client, second_client = new_redis_client(), new_redis_client()
    first = RedisRateLimiter(first_client, key_prefix=key_prefix, clock=clock)
    second = RedisRateLimiter(second_client, key_prefix=key_prefix, clock=clock)
    try:
        assert first.hit("alice", PER_MINUTE).remaining == 2
        assert second.hit("alice", PER_MINUTE).remaining == 1
        assert first.hit("alice", PER_MINUTE).remaining == 0
        assert not second.hit("alice", PER_MINUTE).allowed
        assert not first.hit("alice", PER_MINUTE).allowed
    finally:
        first_client.close()
        second_client.close()


@pytest.mark.redis
def test_many_workers_on_one_key_get_exactly_the_quota(key_prefix: str, clock: FakeClock) -> None:
    clients = [new_redis_client() for _ in range(4)]
    limiters = [RedisRateLimiter(c, key_prefix=key_prefix, clock=clock) for c in clients]
    try:
        decisions = hit_concurrently(limiters * 5, hits_each=10, limit=PER_MINUTE)
    finally:
        for client in clients:
            client.close()
    assert sum(d.allowed for d in decisions) == 3


class CountingClient:
    """A Redis client that counts the round trips its scripts make."""

    def __init__(self, client: "redis.Redis") -> None:
        self._client = client
        self.calls = 0

    def register_script(self, script: str) -> Callable[..., Any]:
        registered = self._client.register_script(script)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return registered(*args, **kwargs)

        return call


@pytest.mark.redis
def test_a_busy_client_costs_one_round_trip_per_lease_not_per_request(
    redis_client: "redis.Redis", key_prefix: str, clock: FakeClock
) -> None:
    counting = CountingClient(redis_client)
    limiter = RedisRateLimiter(counting, key_prefix=key_prefix, clock=clock)
    limit = RateLimit(quota=100_000, window_seconds=60)

    decisions = [limiter.hit("alice", limit) for _ in range(1000)]

    assert all(d.allowed for d in decisions)
    assert [d.remaining for d in decisions] == list(range(99_999, 98_999, -1))
    # Leases of 1, 2, 4, ... up to MAX_LEASE: 7 to reach it, then one per MAX_LEASE.
    assert counting.calls <= 7 + 1000 // MAX_LEASE + 1
    counted = int(redis_client.get(limiter.redis_key("alice", limit, clock.now)) or 0)
    assert 1000 <= counted < 1000 + MAX_LEASE


@pytest.mark.redis
def test_two_processes_that_keep_being_hit_admit_exactly_the_quota_together(
    key_prefix: str, clock: FakeClock
) -> None:
    clients = [CountingClient(new_redis_client()), CountingClient(new_redis_client())]
    first, second = (RedisRateLimiter(c, key_prefix=key_prefix, clock=clock) for c in clients)
    limit = RateLimit(quota=400, window_seconds=60)
    try:
        decisions = [limiter.hit("alice", limit) for _ in range(300) for limiter in (first, second)]
        # Past the quota a process refuses without asking Redis.
        calls = sum(c.calls for c in clients)
        assert not any(limiter.hit("alice", limit).allowed for limiter in (first, second) * 50)
        assert sum(c.calls for c in clients) == calls
    finally:
        for client in clients:
            client._client.close()
    assert sum(d.allowed for d in decisions) == 400
    assert calls < 60


@pytest.mark.redis
def test_a_lease_stranded_in_one_process_is_the_most_another_can_lose(
    key_prefix: str, clock: FakeClock
) -> None:
    first_client, second_client = new_redis_client(), new_redis_client()
    first = RedisRateLimiter(first_client, key_prefix=key_prefix, clock=clock)
    second = RedisRateLimiter(second_client, key_prefix=key_prefix, clock=clock)
    limit = RateLimit(quota=200, window_seconds=60)
    try:
        # The first process admits 3 (leases of 1 and 2), then 4 are reserved for it.
        admitted_first = sum(first.hit("alice", limit).allowed for _ in range(4))
        admitted_second = sum(second.hit("alice", limit).allowed for _ in range(300))
    finally:
        first_client.close()
        second_client.close()
    assert admitted_first == 4
    stranded = 3  # of the first process's lease of 4, one was used
    assert admitted_second == 200 - admitted_first - stranded


@pytest.mark.redis
def test_a_counter_expires_shortly_after_its_window(
    redis_client: "redis.Redis", key_prefix: str, clock: FakeClock
) -> None:
    limiter = RedisRateLimiter(redis_client, key_prefix=key_prefix, clock=clock)
    limiter.hit("alice", PER_MINUTE)
    limiter.hit("alice", PER_MINUTE)  # a later hit must not push the expiry back

    ttl = redis_client.ttl(limiter.redis_key("alice", PER_MINUTE, clock.now))
    assert (
        PER_MINUTE.window_seconds - 1 <= ttl <= PER_MINUTE.window_seconds + (EXPIRY_MARGIN_SECONDS)
    )


@pytest.mark.redis
def test_a_counter_that_lost_its_expiry_gets_one_back(
    redis_client: "redis.Redis", key_prefix: str, clock: FakeClock
) -> None:
    limiter = RedisRateLimiter(redis_client, key_prefix=key_prefix, clock=clock)
    key = limiter.redis_key("alice", PER_MINUTE, clock.now)
    redis_client.set(key, 7)  # no expiry: it would block "alice" forever

    assert not limiter.hit("alice", PER_MINUTE).allowed
    assert 0 < redis_client.ttl(key) <= PER_MINUTE.window_seconds + EXPIRY_MARGIN_SECONDS


@pytest.mark.redis
def test_a_dropped_connection_is_replaced_without_a_failure(key_prefix: str) -> None:
    registry = CollectorRegistry()
    name = f"taskhub-test-{uuid.uuid4().hex}"
    limiter = redis_rate_limiter(
        f"{REDIS_URL}?client_name={name}", key_prefix=key_prefix, registry=registry
    )
    assert limiter.hit("alice", PER_MINUTE).remaining == 2

    admin = new_redis_client()
    try:
        ids = [c["id"] for c in admin.client_list() if c.get("name") == name]
        assert ids, "the limiter's connection should be visible to CLIENT LIST"
        for client_id in ids:
            admin.client_kill_filter(_id=client_id)  # what a Redis restart does to it
    finally:
        admin.close()

    assert limiter.hit("alice", PER_MINUTE).remaining == 1
    assert registry.get_sample_value("taskhub_rate_limiter_errors_total") == 0
    assert registry.get_sample_value("taskhub_rate_limiter_fallback_total") == 0
