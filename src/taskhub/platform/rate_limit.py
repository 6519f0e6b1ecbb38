"""Fixed-window rate limiting: one port, an in-process backend and a shared Redis backend.

Each `hit` counts one request against a key in a window of `limit.window_seconds`
aligned to the epoch (window index = floor(now / window)), so every process that
shares a backend agrees on where a window starts without talking to the others.

The in-memory backend suits one process (tests, a single worker). Several workers or
hosts must share counts, or each would grant the full quota: that is what the Redis
backend is for. It reserves a window's budget in leases, so a busy client costs a
round trip to Redis once per lease rather than once per request, and the processes
together still never admit more than the quota. When Redis does not answer it raises
`RateLimiterUnavailable`; `platform.rate_limit_fallback` then answers from counters in
the process, so an outage loosens the limits to one quota per process but never lifts
them.
"""

import math
import threading
import time
from collections.abc import Callable
from typing import Any, Final, Protocol

import attrs
import redis

from taskhub.platform.settings import RateLimit

Clock = Callable[[], float]

DEFAULT_KEY_PREFIX: Final = "taskhub:ratelimit:"
# A counter outlives its window by this much, so a host whose clock lags a little
# behind still counts into it rather than into a fresh key that grants a new quota.
EXPIRY_MARGIN_SECONDS: Final = 2


@attrs.frozen
class RateDecision:
    """The verdict on one request and what the client may be told about its budget."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # whole seconds until the window resets, at least 1


class RateLimiter(Protocol):
    """Counts one request against `key` and says whether it is within `limit`."""

    def hit(self, key: str, limit: RateLimit) -> RateDecision: ...


class RateLimiterUnavailable(Exception):
    """The shared backend did not answer, so this request was neither counted nor judged."""


def _window_index(now: float, window_seconds: int) -> int:
    return math.floor(now / window_seconds)


def _seconds_to_reset(now: float, window_seconds: int) -> int:
    window_end = (_window_index(now, window_seconds) + 1) * window_seconds
    return max(1, math.ceil(window_end - now))


def _decide(count: int, limit: RateLimit, reset_after: int) -> RateDecision:
    return RateDecision(
        allowed=count <= limit.quota,
        limit=limit.quota,
        remaining=max(0, limit.quota - count),
        reset_after=max(1, reset_after),
    )


@attrs.define
class _Window:
    index: int
    ends_at: int
    count: int = 0


class InMemoryRateLimiter:
    """Counts in this process only: for tests and single-process deployments.

    Thread-safe. Memory stays proportional to the keys seen in their current
    windows: a counter whose window has ended is replaced on its key's next hit, and
    a sweep drops every ended window whenever the table has doubled since the last
    sweep (amortised constant time per hit).
    """

    def __init__(self, clock: Clock = time.time, *, sweep_threshold: int = 10_000) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, int], _Window] = {}
        self._sweep_threshold = sweep_threshold
        self._next_sweep_at = sweep_threshold

    def hit(self, key: str, limit: RateLimit) -> RateDecision:
        with self._lock:
            now = self._clock()
            index = _window_index(now, limit.window_seconds)
            slot = (key, limit.window_seconds)
            window = self._windows.get(slot)
            if window is None or window.index != index:
                window = _Window(index=index, ends_at=(index + 1) * limit.window_seconds)
                self._windows[slot] = window
            window.count += 1
            count = window.count
            if len(self._windows) >= self._next_sweep_at:
                self._sweep(now)
        return _decide(count, limit, _seconds_to_reset(now, limit.window_seconds))

    def __len__(self) -> int:
        """How many counters are held (live windows plus ended ones not yet swept)."""
        with self._lock:
            return len(self._windows)

    def _sweep(self, now: float) -> None:
        self._windows = {
            slot: window for slot, window in self._windows.items() if window.ends_at > now
        }
        self._next_sweep_at = max(self._sweep_threshold, 2 * len(self._windows))


# INCRBY reserves a lease of ARGV[2] requests; a result equal to the lease means the
# key was just created, and only then is the expiry set, so it is set once per window.
# The TTL check re-arms an expiry that went missing (a key written by hand, say), because
# a counter without one would never reset and would block its key forever.
_RESERVE_SCRIPT: Final = """
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""

# A lease never exceeds this many requests, nor a twentieth of the quota: a process that
# stops receiving a client's requests strands at most its unused lease, which the other
# processes cannot grant until the window ends.
MAX_LEASE: Final = 64
_LEASE_SHARE: Final = 20
# Longer than a reservation can take (one Redis timeout), so a wait only ever ends early.
_RESERVATION_WAIT_SECONDS: Final = 1.0


@attrs.define
class _Lease:
    """This process's share of one key's window: reserved in Redis, handed out here."""

    index: int
    granted: int = 0  # requests reserved for this process in this window
    used: int = 0  # of those, requests already admitted
    counted: int = 0  # the window's Redis count after this process's last reservation
    size: int = 1  # how many to reserve next time
    expires_at: float = math.inf  # when Redis drops the counter (from its TTL)
    reserving: bool = False  # a reservation for this lease is on its way to Redis


class LuaScriptClient(Protocol):
    """What `RedisRateLimiter` needs of its client; a `redis.Redis` provides it.

    Spelled out as a Protocol so the limiter type-checks the same with redis-py's own
    annotations and with the third-party redis stubs, which disagree on `Redis`.
    """

    def register_script(self, script: str) -> Callable[..., Any]: ...


class RedisRateLimiter:
    """Counts in Redis so every worker and host shares one budget per key.

    A process reserves requests in leases: one Lua script adds the lease to the
    window's counter and sets its expiry atomically, and the process then admits
    requests from the lease without asking Redis again. Leases start at one request and
    double while the client keeps coming, up to `MAX_LEASE` and a twentieth of the
    quota, and shrink to what is left as the budget runs out. The processes together
    therefore never admit more than the quota; the price is that a lease stranded in a
    process the client stopped reaching is not granted elsewhere before the window
    ends. A client that keeps hitting the same processes gets exactly the quota. Once a
    window's counter has reached the quota, the process refuses locally until the
    window ends: the counter cannot go down.

    The key holds the window length and index (`<prefix><key>:<window>:<index>`): a new
    window starts from a fresh key, and the old one expires on its own shortly after.

    Build the client with `platform.redis_client.fast_failing_redis`, or a dead Redis
    costs every request the client's default timeouts and retries. On any Redis or
    socket error `hit` raises `RateLimiterUnavailable`: use it behind a
    `FallbackRateLimiter` (`redis_rate_limiter` builds the pair), which answers then.
    """

    def __init__(
        self,
        client: LuaScriptClient,
        *,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        clock: Clock = time.time,
        sweep_threshold: int = 10_000,
    ) -> None:
        self._key_prefix = key_prefix
        self._clock = clock
        self._script = client.register_script(_RESERVE_SCRIPT)
        self._changed = threading.Condition()
        self._leases: dict[tuple[str, int], _Lease] = {}
        self._sweep_threshold = sweep_threshold
        self._next_sweep_at = sweep_threshold

    def redis_key(self, key: str, limit: RateLimit, now: float) -> str:
        """The Redis key counting `key` under `limit` in the window containing `now`."""
        index = _window_index(now, limit.window_seconds)
        return f"{self._key_prefix}{key}:{limit.window_seconds}:{index}"

    def hit(self, key: str, limit: RateLimit) -> RateDecision:
        now = self._clock()
        index = _window_index(now, limit.window_seconds)
        slot = (key, limit.window_seconds)
        with self._changed:
            lease = self._lease(slot, index, now)
            # One reservation per lease at a time: the others wait for its outcome, so a
            # request is never refused while a reservation that could admit it is on its way.
            while lease.reserving and lease.used >= lease.granted:
                self._changed.wait(_RESERVATION_WAIT_SECONDS)
            if lease.used < lease.granted or lease.counted >= limit.quota:
                return self._admit(lease, limit, now)
            lease.reserving = True
            size = lease.size
        try:
            counted, ttl = self._reserve(self.redis_key(key, limit, now), limit, size)
        except (redis.exceptions.RedisError, OSError) as exc:
            with self._changed:
                lease.reserving = False
                self._changed.notify_all()
            raise RateLimiterUnavailable(f"{type(exc).__name__}: {exc}") from exc
        with self._changed:
            lease.reserving = False
            self._changed.notify_all()
            before = counted - size
            lease.granted += max(0, min(size, limit.quota - before))
            lease.counted = max(lease.counted, counted)
            lease.expires_at = now + ttl
            left = limit.quota - lease.counted
            lease.size = max(1, min(2 * size, MAX_LEASE, limit.quota // _LEASE_SHARE, left // 2))
            return self._admit(lease, limit, now)

    def _lease(self, slot: tuple[str, int], index: int, now: float) -> _Lease:
        lease = self._leases.get(slot)
        if lease is None or lease.index != index:
            lease = _Lease(index=index)
            self._leases[slot] = lease
            if len(self._leases) >= self._next_sweep_at:
                self._sweep(now)
        return lease

    def _admit(self, lease: _Lease, limit: RateLimit, now: float) -> RateDecision:
        """Admit from the lease if it has room; either way, say what is left."""
        allowed = lease.used < lease.granted
        if allowed:
            lease.used += 1
        unreserved = max(0, limit.quota - lease.counted)
        reset_after = _seconds_to_reset(now, limit.window_seconds)
        if lease.expires_at < math.inf:
            # The counter resets when the window ends, or earlier if its key vanishes first.
            reset_after = min(reset_after, math.ceil(lease.expires_at - now))
        return RateDecision(
            allowed=allowed,
            limit=limit.quota,
            remaining=unreserved + lease.granted - lease.used,
            reset_after=max(1, reset_after),
        )

    def _reserve(self, redis_key: str, limit: RateLimit, size: int) -> tuple[int, int]:
        counted, ttl = (
            int(value)
            for value in self._script(
                keys=[redis_key], args=[limit.window_seconds + EXPIRY_MARGIN_SECONDS, size]
            )
        )
        return counted, ttl

    def _sweep(self, now: float) -> None:
        self._leases = {
            slot: lease for slot, lease in self._leases.items() if (lease.index + 1) * slot[1] > now
        }
        self._next_sweep_at = max(self._sweep_threshold, 2 * len(self._leases))


def _quoted(policy: str) -> str:
    """`policy` as a structured-field string (RFC 8941 sf-string)."""
    escaped = policy.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def rate_limit_headers(policy: str, limit: RateLimit, decision: RateDecision) -> dict[str, str]:
    """The IETF httpapi `RateLimit-Policy` and `RateLimit` fields, plus `Retry-After` on refusal."""
    name = _quoted(policy)
    headers = {
        "RateLimit-Policy": f"{name};q={limit.quota};w={limit.window_seconds}",
        "RateLimit": f"{name};r={decision.remaining};t={decision.reset_after}",
    }
    if not decision.allowed:
        headers["Retry-After"] = str(decision.reset_after)
    return headers
