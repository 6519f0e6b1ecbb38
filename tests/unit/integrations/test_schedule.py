"""When a failed delivery is tried again: TASKHUB_WEBHOOK_RETRY_SCHEDULE, jittered ±10%."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from taskhub.contexts.integrations.domain.schedule import (
    JITTER,
    MAX_RETRY_AFTER_SECONDS,
    next_attempt,
)
from taskhub.platform.settings import Settings

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
DEFAULT = (5, 300, 1800, 7200, 18000, 36000, 36000)


def wait(moment: datetime | None) -> float:
    assert moment is not None
    return (moment - NOW).total_seconds()


def test_the_default_schedule_is_the_documented_one() -> None:
    assert Settings().webhook_retry_schedule == DEFAULT


@pytest.mark.parametrize("attempts_made", range(1, len(DEFAULT) + 1))
def test_each_wait_is_the_scheduled_one_jittered_by_the_rng(attempts_made: int) -> None:
    expected = DEFAULT[attempts_made - 1] * (1 + random.Random(7).uniform(-JITTER, JITTER))
    moment = next_attempt(DEFAULT, attempts_made, NOW, rng=random.Random(7))
    assert wait(moment) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("attempts_made", range(1, len(DEFAULT) + 1))
def test_jitter_stays_within_ten_percent_and_goes_both_ways(attempts_made: int) -> None:
    base = DEFAULT[attempts_made - 1]
    waits = [
        wait(next_attempt(DEFAULT, attempts_made, NOW, rng=random.Random(seed)))
        for seed in range(200)
    ]
    assert all(base * 0.9 <= w <= base * 1.1 for w in waits)
    assert min(waits) < base * 0.95
    assert max(waits) > base * 1.05
    assert len(set(waits)) > 150


def test_without_an_rng_the_wait_is_still_within_the_jitter() -> None:
    for _ in range(50):
        assert 300 * 0.9 <= wait(next_attempt(DEFAULT, 2, NOW)) <= 300 * 1.1


def test_a_configured_schedule_is_followed() -> None:
    schedule = (1, 60, 3600)
    rng = random.Random(1)
    waits = [wait(next_attempt(schedule, n, NOW, rng=rng)) for n in (1, 2, 3)]
    for scheduled, waited in zip(schedule, waits, strict=True):
        assert scheduled * 0.9 <= waited <= scheduled * 1.1
    assert next_attempt(schedule, 4, NOW, rng=rng) is None


def test_the_schedule_used_up_means_no_more_attempts() -> None:
    assert next_attempt(DEFAULT, len(DEFAULT), NOW) is not None
    assert next_attempt(DEFAULT, len(DEFAULT) + 1, NOW) is None
    assert next_attempt(DEFAULT, len(DEFAULT) + 5, NOW, retry_after=10) is None
    assert next_attempt((), 1, NOW) is None


def test_a_longer_retry_after_replaces_the_wait() -> None:
    moment = next_attempt(DEFAULT, 1, NOW, retry_after=120, rng=random.Random(3))
    assert moment == NOW + timedelta(seconds=120)


def test_a_shorter_retry_after_does_not_hurry_the_schedule() -> None:
    jittered = next_attempt(DEFAULT, 2, NOW, rng=random.Random(3))
    assert next_attempt(DEFAULT, 2, NOW, retry_after=10, rng=random.Random(3)) == jittered
    assert 270 <= wait(jittered) <= 330


def test_retry_after_is_capped_at_ten_hours() -> None:
    assert MAX_RETRY_AFTER_SECONDS == 36_000
    capped = next_attempt(DEFAULT, 1, NOW, retry_after=10**9, rng=random.Random(3))
    assert capped == NOW + timedelta(seconds=36_000)


def test_retry_after_does_not_extend_a_used_up_schedule() -> None:
    assert next_attempt((5,), 2, NOW, retry_after=60) is None


def test_the_first_attempt_is_immediate() -> None:
    assert next_attempt(DEFAULT, 0, NOW, rng=random.Random(1)) == NOW
