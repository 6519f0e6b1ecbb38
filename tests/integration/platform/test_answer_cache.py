"""The Redis answer cache against a real Redis: what one process forgets, all forget, and
whatever could lose a message turns remembering off rather than serving old answers."""

import time
import uuid

import pytest
import redis
import structlog

from taskhub.platform.answer_cache import (
    ANSWER_TTL_SECONDS,
    RESUBSCRIBE_AFTER_SECONDS,
    RedisAnswerCache,
    redis_answer_cache,
)
from taskhub.shared_kernel.answers import ForgetNotBroadcast
from tests.integration.conftest import REDIS_URL

pytestmark = pytest.mark.redis


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def channel(redis_client: redis.Redis) -> str:
    """A channel of this test's own, on a Redis that answers (else skipped, or failed in CI)."""
    return f"taskhub-test:answers:{uuid.uuid4().hex}"


def cache(channel: str, clock: FakeClock | None = None, name: str = "") -> RedisAnswerCache:
    client = redis.Redis.from_url(
        f"{REDIS_URL}?client_name={name}" if name else REDIS_URL,
        socket_timeout=0.25,
        socket_connect_timeout=0.25,
    )
    return RedisAnswerCache(client, channel=channel, clock=clock or FakeClock())


def remembered(answers: RedisAnswerCache, key: object, scope: str, answer: object = True) -> None:
    assert answers.recall(key) is None  # subscribes
    answers.remember(key, answer, scope=scope, stamp=answers.stamp())
    assert answers.recall(key) == answer


def test_what_one_process_forgets_every_process_forgets_before_its_next_answer(
    redis_client: "redis.Redis", channel: str
) -> None:
    here, there = cache(channel), cache(channel)
    try:
        remembered(here, "ada-session", "user:ada")
        remembered(here, "bob-session", "user:bob")
        there.forget(["user:ada"])
        # No waiting: the message is in this process's socket before `forget` returns.
        assert here.recall("ada-session") is None
        assert here.recall("bob-session") is True
    finally:
        here.close()
        there.close()


def test_an_answer_read_before_a_change_was_forgotten_is_not_kept(channel: str) -> None:
    here, there = cache(channel), cache(channel)
    try:
        assert here.recall("ada-session") is None
        stamp = here.stamp()  # taken, then the source of truth is read ...
        there.forget(["user:ada"])  # ... while another process revokes
        assert here.recall("other") is None  # the next request reads the channel
        here.remember("ada-session", True, scope="user:ada", stamp=stamp)
        assert here.recall("ada-session") is None
    finally:
        here.close()
        there.close()


def test_answers_get_old(channel: str) -> None:
    clock = FakeClock()
    answers = cache(channel, clock)
    try:
        remembered(answers, "ada-session", "user:ada")
        clock.now += ANSWER_TTL_SECONDS - 0.1
        assert answers.recall("ada-session") is True
        clock.now += 0.2
        assert answers.recall("ada-session") is None
    finally:
        answers.close()


def test_nothing_is_remembered_without_redis() -> None:
    answers = redis_answer_cache("redis://127.0.0.1:1/0", channel="unused")
    with structlog.testing.capture_logs() as logs:
        assert answers.recall("ada-session") is None
        answers.remember("ada-session", True, scope="user:ada", stamp=answers.stamp())
        assert answers.recall("ada-session") is None
        answers.forget(["user:ada"])  # logged, never raised
    assert not answers.listening
    assert len(answers) == 0
    events = [log["event"] for log in logs]
    assert "answer_cache_not_listening" in events
    assert "answer_cache_publish_failed" in events


def test_a_lost_subscription_forgets_everything_and_listens_again_later(
    redis_client: "redis.Redis", channel: str
) -> None:
    clock = FakeClock()
    name = f"taskhub-test-{uuid.uuid4().hex}"
    answers = cache(channel, clock, name=name)
    try:
        remembered(answers, "ada-session", "user:ada")
        for client in redis_client.client_list():
            if client.get("name") == name:
                redis_client.client_kill_filter(_id=client["id"])  # what a Redis restart does
        with structlog.testing.capture_logs():
            assert answers.recall("ada-session") is None
            assert not answers.listening
            answers.remember("ada-session", True, scope="user:ada", stamp=answers.stamp())
            assert answers.recall("ada-session") is None
        assert len(answers) == 0
        clock.now += RESUBSCRIBE_AFTER_SECONDS
        remembered(answers, "ada-session", "user:ada")
        assert answers.listening
    finally:
        answers.close()


def test_a_full_table_starts_over(channel: str) -> None:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=0.25)
    answers = RedisAnswerCache(client, channel=channel, max_answers=3)
    try:
        for i in range(3):
            remembered(answers, f"session-{i}", f"user:{i}")
        assert len(answers) == 3
        answers.remember("session-3", True, scope="user:3", stamp=answers.stamp())
        assert len(answers) == 1
        assert answers.recall("session-3") is True
    finally:
        answers.close()


def test_a_burst_of_forgetting_is_applied_whole(channel: str) -> None:
    here, there = cache(channel), cache(channel)
    try:
        for i in range(50):
            remembered(here, f"session-{i}", f"user:{i}")
        for i in range(50):
            there.forget([f"user:{i}"])  # 50 messages, most read in one go
        assert [here.recall(f"session-{i}") for i in range(50)] == [None] * 50
        assert len(here) == 0
        remembered(here, "session-x", "user:x")
        there.forget(["user:x"])
        # Redis delivers the message asynchronously: on a loaded machine it may not be on
        # the socket yet at the first look, but it must arrive and take effect.
        deadline = time.monotonic() + 5
        while here.recall("session-x") is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert here.recall("session-x") is None
    finally:
        here.close()
        there.close()


def test_a_forget_that_reaches_no_other_process_is_reported_when_asked(channel: str) -> None:
    dead = "redis://127.0.0.1:1/0"
    quiet = redis_answer_cache(dead, channel=channel)
    reporting = redis_answer_cache(dead, channel=channel, raise_when_not_broadcast=True)
    with structlog.testing.capture_logs() as logs:
        quiet.forget(["user:ada"])  # a server logs it: its response reports a committed change
        with pytest.raises(ForgetNotBroadcast) as raised:
            reporting.forget(["user:ada"])
    assert [log["event"] for log in logs] == ["answer_cache_publish_failed"] * 2
    assert raised.value.scopes == ("user:ada",)
    assert raised.value.settles_within_seconds == ANSWER_TTL_SECONDS
    assert "Connection refused" in raised.value.reason
