"""When to try a delivery again: the configured schedule, jittered, Retry-After honoured."""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

JITTER = 0.1
MAX_RETRY_AFTER_SECONDS = 36_000


def next_attempt(
    schedule: Sequence[int],
    attempts_made: int,
    now: datetime,
    *,
    retry_after: int | None = None,
    rng: random.Random | None = None,
) -> datetime | None:
    """When attempt `attempts_made + 1` is due, or None when the schedule is used up.

    The first attempt is immediate; attempt n+1 waits `schedule[n-1]` seconds ±10%.
    A receiver's Retry-After (on 429/503) replaces the wait when it asks for longer,
    up to 10 hours.
    """
    if attempts_made <= 0:
        return now
    if attempts_made > len(schedule):
        return None
    base = schedule[attempts_made - 1]
    rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
    wait = base * (1 + rng.uniform(-JITTER, JITTER))
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return now + timedelta(seconds=wait)
