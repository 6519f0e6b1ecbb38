"""The SSE stream over real HTTP, on the embedded default and on two serving processes
sharing PostgreSQL and RabbitMQ (`a` and `b`)."""

import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.integration.conftest import REDIS_URL
from tests.integration.platform.test_server_process import Server
from tests.integration.realtime.clients import (
    SseReader,
    add_member,
    call,
    create_label,
    create_org,
    feed,
    register,
    sign_in,
)
from tests.integration.realtime.conftest import COMMON, HEARTBEAT_SECONDS, Deployment

pytestmark = pytest.mark.process


def _stream(base: str, org_id: str, token: str, **headers: str) -> SseReader:
    return SseReader(
        base, f"/orgs/{org_id}/events/stream", {"Authorization": f"Bearer {token}", **headers}
    )


def test_events_committed_at_one_process_reach_a_stream_at_another(deployment: Deployment) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    stream = _stream(deployment.b.base, org_id, owner.token)
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    try:
        create_label(deployment.a.base, org_id, owner, "urgent")
        [event] = stream.take(1)
        [item] = [i for i in feed(deployment.a.base, org_id, owner.token) if i["id"] == event["id"]]
        assert event["event"] == "label.created" == item["type"]
        assert event["data"] == item  # exactly the feed's item
    finally:
        stream.close()


def test_a_resume_with_last_event_id_loses_reorders_and_repeats_nothing(
    deployment: Deployment,
) -> None:
    """Disconnect mid-burst and reconnect (at the other process) while changes commit."""
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    stream = _stream(deployment.b.base, org_id, owner.token)
    total = 40

    def commit() -> None:
        for i in range(total):
            create_label(deployment.a.base, org_id, owner, f"label-{i}")

    writer = threading.Thread(target=commit)
    writer.start()
    seen = [e["id"] for e in stream.take(8, timeout=20)]
    stream.close()
    time.sleep(0.3)  # events keep committing while nobody listens
    resumed = _stream(deployment.a.base, org_id, owner.token, **{"Last-Event-ID": seen[-1]})
    try:
        assert resumed.status == 200
        seen += [e["id"] for e in resumed.take(total - len(seen), timeout=30)]
        writer.join()
        time.sleep(0.5)
        assert resumed.events.empty()
    finally:
        resumed.close()
    expected = [i["id"] for i in feed(deployment.a.base, org_id, owner.token)]
    expected = expected[expected.index(seen[0]) :]
    assert seen == expected
    assert len(set(seen)) == total


def test_after_resumes_like_last_event_id_and_the_header_wins(deployment: Deployment) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    for name in ("one", "two", "three"):
        create_label(deployment.a.base, org_id, owner, name)
    items = [
        i for i in feed(deployment.a.base, org_id, owner.token) if i["type"] == "label.created"
    ]
    path = f"/orgs/{org_id}/events/stream?after={items[0]['id']}"
    stream = SseReader(
        deployment.b.base,
        path,
        {"Authorization": f"Bearer {owner.token}", "Last-Event-ID": items[1]["id"]},
    )
    try:
        [event] = stream.take(1)
        assert event["id"] == items[2]["id"]
    finally:
        stream.close()


def test_a_resume_point_that_is_gone_is_410(deployment: Deployment) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    stream = _stream(deployment.b.base, org_id, owner.token, **{"Last-Event-ID": str(uuid.uuid4())})
    assert stream.status == 410
    assert stream.headers["content-type"] == "application/problem+json"
    assert stream.body["code"] == "event_gone"
    bad = _stream(deployment.b.base, org_id, owner.token, **{"Last-Event-ID": "yesterday"})
    assert bad.status == 422


def test_the_type_filter_and_the_heartbeat(deployment: Deployment) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    stream = SseReader(
        deployment.b.base,
        f"/orgs/{org_id}/events/stream?types=project.*",
        {"Authorization": f"Bearer {owner.token}"},
    )
    try:
        create_label(deployment.a.base, org_id, owner, "skipped")
        status, _ = call(
            deployment.a.base,
            "POST",
            f"/orgs/{org_id}/projects",
            {"name": "Engine", "key": "ENG"},
            owner.token,
        )
        assert status == 201
        [event] = stream.take(1)
        assert event["event"] == "project.created"
        time.sleep(HEARTBEAT_SECONDS * 2.5)
        assert any(text == ": ping" for _, text in stream.comments)
    finally:
        stream.close()


def test_viewers_may_stream_and_outsiders_get_404(deployment: Deployment) -> None:
    owner, viewer, outsider = (register(deployment.a.base, n) for n in ("o", "v", "x"))
    org_id = create_org(deployment.a.base, owner)
    add_member(deployment.a.base, org_id, owner, viewer, "viewer")
    assert _stream(deployment.b.base, org_id, outsider.token).status == 404
    unauthenticated = SseReader(deployment.b.base, f"/orgs/{org_id}/events/stream", {})
    assert unauthenticated.status == 401
    allowed = _stream(deployment.b.base, org_id, viewer.token)
    assert allowed.status == 200
    allowed.close()


def test_a_stream_ends_within_two_seconds_when_its_session_is_revoked(
    deployment: Deployment,
) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    token = sign_in(deployment.a.base, owner)
    stream = _stream(deployment.b.base, org_id, token)
    assert stream.status == 200
    time.sleep(0.5)
    assert not stream.ended.is_set()
    assert call(deployment.a.base, "POST", "/auth/logout", None, token)[0] == 204
    signed_out = time.monotonic()
    assert stream.ended.wait(5)
    assert stream.ended_at is not None
    assert stream.ended_at - signed_out < 2.0
    assert any("4401" in text for _, text in stream.comments)


def test_a_stream_ends_within_two_seconds_when_its_user_leaves(deployment: Deployment) -> None:
    owner, member = register(deployment.a.base, "owner"), register(deployment.a.base, "member")
    org_id = create_org(deployment.a.base, owner)
    add_member(deployment.a.base, org_id, owner, member, "member")
    stream = _stream(deployment.b.base, org_id, member.token)
    assert stream.status == 200
    time.sleep(0.5)
    status, _ = call(
        deployment.a.base, "DELETE", f"/orgs/{org_id}/members/{member.id}", None, owner.token
    )
    assert status == 204
    removed = time.monotonic()
    assert stream.ended.wait(5)
    assert stream.ended_at is not None
    assert stream.ended_at - removed < 2.0
    assert any("4403" in text for _, text in stream.comments)


def test_a_stream_ends_within_two_seconds_when_its_api_key_is_revoked(
    deployment: Deployment,
) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    status, key = call(
        deployment.a.base,
        "POST",
        f"/orgs/{org_id}/api-keys",
        {"name": "reader", "role": "viewer"},
        owner.token,
    )
    assert status == 201, key
    stream = _stream(deployment.b.base, org_id, key["key"])
    assert stream.status == 200
    time.sleep(0.5)
    status, _ = call(
        deployment.a.base, "DELETE", f"/orgs/{org_id}/api-keys/{key['id']}", None, owner.token
    )
    assert status == 204
    revoked = time.monotonic()
    assert stream.ended.wait(5)
    assert stream.ended_at is not None
    assert stream.ended_at - revoked < 2.0
    assert any("4401" in text for _, text in stream.comments)


class _TwoWorkers(Server):
    def command(self) -> list[str]:
        return [*super().command(), "--workers", "2"]


def test_the_embedded_bus_with_two_workers_misses_nothing(
    tmp_path: Path, redis_client: object
) -> None:
    """Each worker of `serve --workers 2` on `memory://` has its own bus and relay: a
    stream at one worker still gets what the other worker's relay published."""
    server = _TwoWorkers(tmp_path, {**COMMON, "TASKHUB_REDIS_URL": REDIS_URL})
    server.start()
    try:
        owner = register(server.base, "owner")
        org_id = create_org(server.base, owner)
        streams = [_stream(server.base, org_id, owner.token) for _ in range(4)]
        for i in range(6):
            create_label(server.base, org_id, owner, f"label-{i}")
        expected = [i["id"] for i in feed(server.base, org_id, owner.token)][-6:]
        for stream in streams:
            assert [e["id"] for e in stream.take(6, timeout=10)] == expected
            stream.close()
    finally:
        server.stop()
