"""A shared rate limiter that, while its backend is away, limits from this process alone.

Letting every request through while Redis is unreachable would lift the login limit
exactly when nobody is watching it (a password-guessing client gets as many tries as it
can send), and refusing every request would turn a Redis outage into a full one. In
between: each process answers from its own counters with the same quota, so the
service admits at most one quota per serving process per window, the way a single
process without Redis does. When Redis answers again the shared counts are used once
more; the local counters are kept, so a second outage in the same window resumes them.

The switch is logged once per outage (`rate_limiter_degraded`, then
`rate_limiter_recovered`), not once per request, and two counters tell the rest:
`taskhub_rate_limiter_errors_total` (attempts to reach the backend that failed) and
`taskhub_rate_limiter_fallback_total` (requests judged by this process alone). During
an outage only one request a second asks Redis again, so a Redis that hangs costs one
timeout a second rather than one per request.
"""

import threading
import time
from collections.abc import Callable
from typing import Final

import attrs
import structlog
from prometheus_client import CollectorRegistry, Counter

from taskhub.platform.rate_limit import (
    DEFAULT_KEY_PREFIX,
    InMemoryRateLimiter,
    RateDecision,
    RateLimiter,
    RateLimiterUnavailable,
    RedisRateLimiter,
)
from taskhub.platform.redis_client import fast_failing_redis
from taskhub.platform.settings import RateLimit

ASK_AGAIN_AFTER_SECONDS: Final = 1.0

_logger = structlog.get_logger("taskhub.rate_limit")


@attrs.frozen
class FallbackCounters:
    """What the limiter exports: backend failures and the decisions taken without it."""

    errors: Counter
    fallbacks: Counter

    @classmethod
    def on(cls, registry: CollectorRegistry | None) -> "FallbackCounters":
        """Counters on `registry` (create them once per registry); None exports nothing."""
        return cls(
            errors=Counter(
                "taskhub_rate_limiter_errors_total",
                "Attempts to reach the shared rate-limit backend (Redis) that failed.",
                registry=registry,
            ),
            fallbacks=Counter(
                "taskhub_rate_limiter_fallback_total",
                "Requests whose rate limit this process judged alone, the shared backend "
                "being unreachable.",
                registry=registry,
            ),
        )


class FallbackRateLimiter:
    """Asks `shared`; while it raises `RateLimiterUnavailable`, answers from `local`.

    `local` must be given the same limits as `shared` (it is: both are asked with the
    caller's `RateLimit`), so the fallback is as strict per process as the shared
    limiter is for the whole service. Thread-safe if both limiters are.
    """

    def __init__(
        self,
        shared: RateLimiter,
        local: RateLimiter,
        *,
        counters: FallbackCounters,
        clock: Callable[[], float] = time.monotonic,
        ask_again_after: float = ASK_AGAIN_AFTER_SECONDS,
    ) -> None:
        self._shared = shared
        self._local = local
        self._counters = counters
        self._clock = clock
        self._ask_again_after = ask_again_after
        self._lock = threading.Lock()
        self._outage_since: float | None = None
        self._ask_at = 0.0
        self._asking = False  # during an outage, one request at a time tries the backend

    @property
    def degraded(self) -> bool:
        """Whether the last word from the shared backend was a failure."""
        with self._lock:
            return self._outage_since is not None

    def hit(self, key: str, limit: RateLimit) -> RateDecision:
        if self._may_ask():
            try:
                decision = self._shared.hit(key, limit)
            except RateLimiterUnavailable as exc:
                self._failed(exc)
            else:
                self._answered()
                return decision
            finally:
                with self._lock:
                    self._asking = False
        self._counters.fallbacks.inc()
        return self._local.hit(key, limit)

    def _may_ask(self) -> bool:
        with self._lock:
            if self._outage_since is None:
                return True
            if self._asking or self._clock() < self._ask_at:
                return False
            self._asking = True
            return True

    def _failed(self, exc: RateLimiterUnavailable) -> None:
        self._counters.errors.inc()
        with self._lock:
            now = self._clock()
            self._ask_at = now + self._ask_again_after
            if self._outage_since is not None:
                return
            self._outage_since = now
        _logger.warning(
            "rate_limiter_degraded",
            backend="redis",
            error=str(exc),
            detail="limiting from this process's own counters until Redis answers",
        )

    def _answered(self) -> None:
        with self._lock:
            since, self._outage_since = self._outage_since, None
            if since is None:
                return
            lasted = self._clock() - since
        _logger.info("rate_limiter_recovered", backend="redis", outage_seconds=round(lasted, 1))


def redis_rate_limiter(
    url: str,
    *,
    key_prefix: str = DEFAULT_KEY_PREFIX,
    registry: CollectorRegistry | None = None,
) -> FallbackRateLimiter:
    """The limiter for a configured Redis: shared through it, per process without it.

    Its counters are created on `registry` (the application's, so /metrics shows them).
    """
    shared = RedisRateLimiter(fast_failing_redis(url), key_prefix=key_prefix)
    return FallbackRateLimiter(
        shared, InMemoryRateLimiter(), counters=FallbackCounters.on(registry)
    )
