"""Answers remembered in each process and forgotten in all of them through Redis pub/sub.

The session and membership checks cost two statements on every authenticated request
although their answers change rarely. Each process keeps the answers it read; a commit
that changes one publishes the scopes it touched on a Redis channel, and every process
drops them. Publishing happens after the commit and before the response that reports
the change, and a process reads its channel before answering from memory, so a request
that starts after a revocation was reported never meets the old answer.

Whatever would lose a message turns the memory off instead of trusting it: until the
subscription is confirmed, after any error on it (a Redis restart, a dropped
connection), and in a process forked from the one that subscribed, answers are not
recalled, and the table is emptied when listening starts again. What no error reveals
(a connection that hangs silently, a publish that failed while the subscribers could
still reach Redis) is bounded by the answers' age limit, `ANSWER_TTL_SECONDS`.

Without Redis nothing tells the other processes (the `users` commands included) about a
change, so `taskhub` remembers nothing then (`NoAnswerCache`).
"""

import contextlib
import os
import select
import threading
import time
from collections.abc import Callable, Collection, Hashable
from typing import Any, Final

import redis
import structlog
from redis.client import PubSub

from taskhub.platform.redis_client import fast_failing_redis
from taskhub.shared_kernel.answers import ForgetNotBroadcast

CHANNEL: Final = "taskhub:answers:forget"
ANSWER_TTL_SECONDS: Final = 10.0
MAX_ANSWERS: Final = 100_000
SUBSCRIBE_TIMEOUT_SECONDS: Final = 0.25
RESUBSCRIBE_AFTER_SECONDS: Final = 1.0
_REDIS_ERRORS: Final = (redis.exceptions.RedisError, OSError)

_logger = structlog.get_logger("taskhub.answer_cache")


class _Table:
    """Answers by key, and the keys filed under each scope."""

    def __init__(self, ttl: float, max_answers: int) -> None:
        self._ttl = ttl
        self._max_answers = max_answers
        self._answers: dict[Hashable, tuple[object, float, str]] = {}
        self._scopes: dict[str, set[Hashable]] = {}

    def get(self, key: Hashable, now: float) -> object | None:
        entry = self._answers.get(key)
        if entry is None:
            return None
        answer, expires_at, _ = entry
        return answer if now < expires_at else None

    def put(self, key: Hashable, answer: object, scope: str, now: float) -> None:
        if len(self._answers) >= self._max_answers and key not in self._answers:
            self.clear()  # rarely reached; starting over keeps every operation cheap
        previous = self._answers.get(key)
        if previous is not None and previous[2] != scope:
            self._scopes.get(previous[2], set()).discard(key)
        self._answers[key] = (answer, now + self._ttl, scope)
        self._scopes.setdefault(scope, set()).add(key)

    def drop(self, scopes: Collection[str]) -> None:
        for scope in scopes:
            for key in self._scopes.pop(scope, ()):
                self._answers.pop(key, None)

    def clear(self) -> None:
        self._answers.clear()
        self._scopes.clear()

    def __len__(self) -> int:
        return len(self._answers)


class RedisAnswerCache:
    """An `AnswerCache` whose forgetting reaches every process subscribed to `channel`.

    Thread-safe. The subscription is opened on the first recall in each process (after
    a fork, not before), and the channel is read, without waiting, before every recall.

    A failed publish is logged; with `raise_when_not_broadcast` it also raises
    `ForgetNotBroadcast` (after this process has forgotten), for a caller that has
    someone to tell, such as a `taskhub users` command. A server has no one: the
    response reports a change already committed, and the log is where it shows.
    """

    def __init__(
        self,
        client: "redis.Redis",
        *,
        channel: str = CHANNEL,
        ttl_seconds: float = ANSWER_TTL_SECONDS,
        max_answers: int = MAX_ANSWERS,
        clock: Callable[[], float] = time.monotonic,
        raise_when_not_broadcast: bool = False,
    ) -> None:
        self._client = client
        self._channel = channel
        self._clock = clock
        self._ttl_seconds = ttl_seconds
        self._raise_when_not_broadcast = raise_when_not_broadcast
        self._lock = threading.Lock()
        self._table = _Table(ttl_seconds, max_answers)
        self._stamp = 0
        self._pubsub: PubSub | None = None
        self._socket: Any = None
        self._pid: int | None = None
        self._retry_at = 0.0

    @property
    def listening(self) -> bool:
        """Whether this process holds a confirmed subscription (answers can be recalled)."""
        return self._pubsub is not None and self._pid == os.getpid()

    def recall(self, key: Hashable) -> object | None:
        with self._lock:
            if not self._listen():
                return None
            return self._table.get(key, self._clock())

    def stamp(self) -> int:
        with self._lock:
            return self._stamp

    def remember(self, key: Hashable, answer: object, *, scope: str, stamp: int) -> None:
        with self._lock:
            if self.listening and stamp == self._stamp:
                self._table.put(key, answer, scope, self._clock())

    def forget(self, scopes: Collection[str]) -> None:
        names = sorted(set(scopes))
        if not names:
            return
        with self._lock:
            self._drop(names)
        try:
            self._client.publish(self._channel, "\n".join(names))
        except _REDIS_ERRORS as exc:
            # The other processes lose the answers when their subscription fails too, or
            # when the answers get old; nothing else can reach them now.
            error = f"{type(exc).__name__}: {exc}"
            _logger.warning("answer_cache_publish_failed", scopes=names, error=error)
            if self._raise_when_not_broadcast:
                raise ForgetNotBroadcast(names, self._ttl_seconds, error) from exc

    def __len__(self) -> int:
        with self._lock:
            return len(self._table)

    def close(self) -> None:
        with self._lock:
            self._abandon()

    # -- under the lock ---------------------------------------------------------------

    def _drop(self, scopes: Collection[str]) -> None:
        self._table.drop(scopes)
        self._stamp += 1

    def _start_over(self) -> None:
        self._table.clear()
        self._stamp += 1

    def _abandon(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        self._start_over()
        if pubsub is not None and self._pid == os.getpid():
            with contextlib.suppress(*_REDIS_ERRORS):
                pubsub.close()

    def _listen(self) -> bool:
        """Subscribe if need be and apply what the channel holds; False if not listening."""
        if self._pid != os.getpid():
            # A forked child shares its parent's socket: it must not read from it.
            self._pubsub = None
            self._pid = os.getpid()
            self._start_over()
        fresh = self._pubsub is None
        if fresh and not self._subscribe():
            return False
        assert self._pubsub is not None
        try:
            # Most recalls find nothing new: one poll of the socket says so. A drain below
            # (and the first one, which takes what came in with the confirmation) leaves
            # no whole message in the client's buffer, so anything that arrives after it
            # makes the socket readable.
            if not fresh and not select.select([self._socket], [], [], 0)[0]:
                return True
            while (message := self._pubsub.get_message(timeout=0.0)) is not None:
                if message["type"] == "message":
                    self._drop(bytes(message["data"]).decode().split("\n"))
                elif message["type"] == "subscribe":
                    # The client reconnected and subscribed again: what was published in
                    # between is lost, so nothing remembered can be trusted.
                    self._start_over()
        except _REDIS_ERRORS as exc:
            self._give_up_for_now(exc)
            return False
        return True

    def _subscribe(self) -> bool:
        now = self._clock()
        if now < self._retry_at:
            return False
        pubsub: PubSub = self._client.pubsub()
        try:
            pubsub.subscribe(self._channel)
            confirmation = pubsub.get_message(timeout=SUBSCRIBE_TIMEOUT_SECONDS)
            if confirmation is None or confirmation["type"] != "subscribe":
                raise redis.exceptions.ConnectionError("the subscription was not confirmed")
        except _REDIS_ERRORS as exc:
            with contextlib.suppress(*_REDIS_ERRORS):
                pubsub.close()
            self._give_up_for_now(exc)
            return False
        socket = getattr(pubsub.connection, "_sock", None)
        if socket is None:
            pubsub.close()
            self._give_up_for_now(redis.exceptions.ConnectionError("no subscription socket"))
            return False
        self._pubsub, self._socket = pubsub, socket
        self._start_over()
        return True

    def _give_up_for_now(self, exc: BaseException) -> None:
        self._abandon()
        self._retry_at = self._clock() + RESUBSCRIBE_AFTER_SECONDS
        _logger.warning(
            "answer_cache_not_listening",
            channel=self._channel,
            error=f"{type(exc).__name__}: {exc}",
        )


def redis_answer_cache(
    url: str, *, channel: str = CHANNEL, raise_when_not_broadcast: bool = False
) -> RedisAnswerCache:
    """A `RedisAnswerCache` whose client gives up fast when Redis does not answer."""
    return RedisAnswerCache(
        fast_failing_redis(url, timeout=SUBSCRIBE_TIMEOUT_SECONDS),
        channel=channel,
        raise_when_not_broadcast=raise_when_not_broadcast,
    )
