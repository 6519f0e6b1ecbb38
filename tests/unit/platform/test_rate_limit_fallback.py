"""The fallback limiter: while the shared backend is away each process keeps the quota
(never unlimited), the switch is logged once, and the backend is used again as soon as
it answers. The shared backend here is a fake of the `RateLimiter` port that can fail."""

import threading

import pytest
import structlog
from prometheus_client import CollectorRegistry

from taskhub.platform.rate_limit import (
    InMemoryRateLimiter,
    RateDecision,
    RateLimiterUnavailable,
)
from taskhub.platform.rate_limit_fallback import FallbackCounters, FallbackRateLimiter
from taskhub.platform.settings import RateLimit

WINDOW_START = 1_800_000_000.0
PER_MINUTE = RateLimit(quota=10, window_seconds=60)


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FlakySharedLimiter:
    """Counts like a shared backend, or raises `RateLimiterUnavailable` while `down`."""

    def __init__(self, clock: FakeClock) -> None:
        self._counts = InMemoryRateLimiter(clock=clock)
        self.down = False
        self.asked = 0

    def hit(self, key: str, limit: RateLimit) -> RateDecision:
        self.asked += 1
        if self.down:
            raise RateLimiterUnavailable("ConnectionError: refused")
        return self._counts.hit(key, limit)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(WINDOW_START + 5)


@pytest.fixture
def shared(clock: FakeClock) -> FlakySharedLimiter:
    return FlakySharedLimiter(clock)


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def limiter(
    shared: FlakySharedLimiter, clock: FakeClock, registry: CollectorRegistry
) -> FallbackRateLimiter:
    return FallbackRateLimiter(
        shared,
        InMemoryRateLimiter(clock=clock),
        counters=FallbackCounters.on(registry),
        clock=clock,
        ask_again_after=1.0,
    )


def test_with_the_backend_down_the_quota_still_holds(
    limiter: FallbackRateLimiter, shared: FlakySharedLimiter, registry: CollectorRegistry
) -> None:
    shared.down = True
    with structlog.testing.capture_logs():
        decisions = [limiter.hit("auth:1.2.3.4", PER_MINUTE) for _ in range(40)]

    assert sum(d.allowed for d in decisions) == 10
    refused = decisions[-1]
    assert (refused.allowed, refused.remaining, refused.limit) == (False, 0, 10)
    assert registry.get_sample_value("taskhub_rate_limiter_fallback_total") == 40


def test_the_outage_is_logged_once_and_the_recovery_once(
    limiter: FallbackRateLimiter, shared: FlakySharedLimiter, clock: FakeClock
) -> None:
    with structlog.testing.capture_logs() as logs:
        limiter.hit("k", PER_MINUTE)
        shared.down = True
        for _ in range(5):
            limiter.hit("k", PER_MINUTE)
            clock.now += 1.0  # the backend is asked again, and fails again
        shared.down = False
        limiter.hit("k", PER_MINUTE)
        limiter.hit("k", PER_MINUTE)

    assert [(log["event"], log["log_level"]) for log in logs] == [
        ("rate_limiter_degraded", "warning"),
        ("rate_limiter_recovered", "info"),
    ]
    assert logs[0]["error"] == "ConnectionError: refused"
    assert not limiter.degraded


def test_during_an_outage_the_backend_is_asked_once_a_pause(
    limiter: FallbackRateLimiter,
    shared: FlakySharedLimiter,
    clock: FakeClock,
    registry: CollectorRegistry,
) -> None:
    shared.down = True
    with structlog.testing.capture_logs():
        for _ in range(20):
            limiter.hit("k", PER_MINUTE)
        assert shared.asked == 1
        clock.now += 1.0
        for _ in range(20):
            limiter.hit("k", PER_MINUTE)
    assert shared.asked == 2
    assert registry.get_sample_value("taskhub_rate_limiter_errors_total") == 2


def test_once_the_backend_answers_its_counts_decide_again(
    limiter: FallbackRateLimiter, shared: FlakySharedLimiter, clock: FakeClock
) -> None:
    shared.down = True
    with structlog.testing.capture_logs():
        for _ in range(10):
            limiter.hit("k", PER_MINUTE)  # the local budget is spent
        shared.down = False
        clock.now += 1.0
        back = limiter.hit("k", PER_MINUTE)
    assert back.allowed  # the shared backend had counted none of them
    assert back.remaining == 9


def test_many_threads_during_an_outage_get_exactly_the_quota(
    limiter: FallbackRateLimiter, shared: FlakySharedLimiter
) -> None:
    shared.down = True
    start = threading.Barrier(16)
    allowed: list[bool] = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        for _ in range(25):
            decision = limiter.hit("k", RateLimit(quota=100, window_seconds=60))
            with lock:
                allowed.append(decision.allowed)

    with structlog.testing.capture_logs() as logs:
        threads = [threading.Thread(target=run) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(allowed) == 400
    assert sum(allowed) == 100
    assert [log["event"] for log in logs] == ["rate_limiter_degraded"]
