"""The in-process rate limiter keeps its fixed-window promises, and the headers read right."""

import sys
import threading
from collections.abc import Iterator

import pytest

from taskhub.platform.rate_limit import InMemoryRateLimiter, RateDecision, rate_limit_headers
from taskhub.platform.settings import RateLimit

WINDOW_START = 1_800_000_000.0  # a multiple of 60, 3600 and 86400
PER_MINUTE = RateLimit(quota=3, window_seconds=60)


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(WINDOW_START + 15.5)


@pytest.fixture
def limiter(clock: FakeClock) -> InMemoryRateLimiter:
    return InMemoryRateLimiter(clock=clock)


def test_exactly_the_quota_is_allowed(limiter: InMemoryRateLimiter) -> None:
    allowed = [limiter.hit("alice", PER_MINUTE).allowed for _ in range(6)]
    assert allowed == [True, True, True, False, False, False]


def test_remaining_counts_down_and_never_goes_negative(limiter: InMemoryRateLimiter) -> None:
    remaining = [limiter.hit("alice", PER_MINUTE).remaining for _ in range(5)]
    assert remaining == [2, 1, 0, 0, 0]


def test_a_decision_reports_the_limit_and_the_seconds_to_the_window_end(
    limiter: InMemoryRateLimiter,
) -> None:
    assert limiter.hit("alice", PER_MINUTE) == RateDecision(
        allowed=True, limit=3, remaining=2, reset_after=45
    )


@pytest.mark.parametrize(
    ("offset", "reset_after"),
    [(0.0, 60), (0.4, 60), (1.0, 59), (59.0, 1), (59.999, 1)],
)
def test_reset_after_is_whole_seconds_to_the_epoch_aligned_window_end(
    clock: FakeClock, limiter: InMemoryRateLimiter, offset: float, reset_after: int
) -> None:
    clock.now = WINDOW_START + offset
    assert limiter.hit("alice", PER_MINUTE).reset_after == reset_after


def test_a_refusal_carries_the_same_reset_time(
    clock: FakeClock, limiter: InMemoryRateLimiter
) -> None:
    for _ in range(3):
        limiter.hit("alice", PER_MINUTE)
    clock.now = WINDOW_START + 50.2
    assert limiter.hit("alice", PER_MINUTE) == RateDecision(
        allowed=False, limit=3, remaining=0, reset_after=10
    )


def test_the_next_window_starts_from_a_full_quota(
    clock: FakeClock, limiter: InMemoryRateLimiter
) -> None:
    for _ in range(4):
        limiter.hit("alice", PER_MINUTE)
    clock.now = WINDOW_START + 59.99
    assert not limiter.hit("alice", PER_MINUTE).allowed

    clock.now = WINDOW_START + 60.0
    assert limiter.hit("alice", PER_MINUTE) == RateDecision(
        allowed=True, limit=3, remaining=2, reset_after=60
    )


def test_separate_keys_have_separate_budgets(limiter: InMemoryRateLimiter) -> None:
    for _ in range(3):
        limiter.hit("alice", PER_MINUTE)
    assert not limiter.hit("alice", PER_MINUTE).allowed

    assert limiter.hit("bob", PER_MINUTE).remaining == 2


def test_policies_with_different_windows_do_not_share_a_counter(
    limiter: InMemoryRateLimiter,
) -> None:
    for _ in range(3):
        limiter.hit("alice", PER_MINUTE)
    per_hour = RateLimit(quota=3, window_seconds=3600)
    assert limiter.hit("alice", per_hour).remaining == 2


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Switch threads as often as the interpreter allows, so unguarded updates get lost."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


@pytest.mark.usefixtures("frequent_thread_switches")
def test_concurrent_hits_on_one_key_allow_exactly_the_quota(
    limiter: InMemoryRateLimiter,
) -> None:
    limit = RateLimit(quota=20_000, window_seconds=60)
    threads, hits_per_thread = 8, 5_000
    start = threading.Barrier(threads)
    decisions: list[list[RateDecision]] = [[] for _ in range(threads)]

    def hammer(mine: list[RateDecision]) -> None:
        start.wait()
        mine.extend(limiter.hit("shared", limit) for _ in range(hits_per_thread))

    workers = [threading.Thread(target=hammer, args=(d,)) for d in decisions]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    every = [decision for mine in decisions for decision in mine]
    allowed = [decision for decision in every if decision.allowed]
    assert len(every) == threads * hits_per_thread
    assert len(allowed) == limit.quota
    # Every count from 1 to the quota was handed out exactly once: no update was lost.
    assert sorted(decision.remaining for decision in allowed) == list(range(limit.quota))


def test_memory_stays_bounded_as_keys_come_and_go_across_windows(
    clock: FakeClock,
) -> None:
    limiter = InMemoryRateLimiter(clock=clock, sweep_threshold=100)
    keys_per_window, windows = 1_000, 20
    largest = 0
    for window in range(windows):
        clock.now = WINDOW_START + window * 60 + 1
        for n in range(keys_per_window):
            assert limiter.hit(f"client-{window}-{n}", PER_MINUTE).allowed
            largest = max(largest, len(limiter))

    assert largest <= 2 * keys_per_window
    assert len(limiter) <= 2 * keys_per_window


def test_ended_windows_are_swept_once_the_table_grows(clock: FakeClock) -> None:
    limiter = InMemoryRateLimiter(clock=clock, sweep_threshold=100)
    for n in range(99):
        limiter.hit(f"old-{n}", PER_MINUTE)
    assert len(limiter) == 99

    clock.now += 60
    limiter.hit("new", PER_MINUTE)  # the 100th counter triggers a sweep
    assert len(limiter) == 1


def test_headers_for_an_allowed_request() -> None:
    decision = RateDecision(allowed=True, limit=1200, remaining=1187, reset_after=42)
    assert rate_limit_headers("api", RateLimit(1200, 60), decision) == {
        "RateLimit-Policy": '"api";q=1200;w=60',
        "RateLimit": '"api";r=1187;t=42',
    }


def test_headers_for_a_refused_request_add_retry_after() -> None:
    decision = RateDecision(allowed=False, limit=10, remaining=0, reset_after=17)
    assert rate_limit_headers("auth", RateLimit(10, 60), decision) == {
        "RateLimit-Policy": '"auth";q=10;w=60',
        "RateLimit": '"auth";r=0;t=17',
        "Retry-After": "17",
    }


def test_a_policy_name_is_escaped_as_a_structured_field_string() -> None:
    decision = RateDecision(allowed=True, limit=1, remaining=0, reset_after=1)
    headers = rate_limit_headers('a"b\\c', RateLimit(1, 1), decision)
    assert headers["RateLimit-Policy"] == '"a\\"b\\\\c";q=1;w=1'
    assert headers["RateLimit"] == '"a\\"b\\\\c";r=0;t=1'
