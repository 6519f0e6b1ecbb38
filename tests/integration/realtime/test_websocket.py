"""The WebSocket over real HTTP with the `websockets` client, on the embedded default
and on two serving processes sharing PostgreSQL and RabbitMQ."""

import datetime
import json
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.integration.realtime.clients import (
    add_member,
    call,
    create_label,
    create_org,
    feed,
    register,
    sign_in,
)
from tests.integration.realtime.conftest import Deployment

pytestmark = pytest.mark.process


def _url(base: str, org_id: str, query: str = "") -> str:
    return base.replace("http://", "ws://") + f"/api/v1/orgs/{org_id}/events/ws{query}"


def _ticket(base: str, org_id: str, token: str) -> str:
    status, body = call(base, "POST", f"/orgs/{org_id}/events/tickets", None, token)
    assert status == 201, body
    assert body["expires_in"] == 60
    ticket: str = body["ticket"]
    return ticket


def _open(base: str, org_id: str, token: str, query: str = "") -> ClientConnection:
    return connect(
        _url(base, org_id, query),
        additional_headers={"Authorization": f"Bearer {token}"},
        open_timeout=10,
    )


def _receive(socket: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(socket.recv(timeout=timeout))
    return message


def _events(socket: ClientConnection, count: int) -> list[dict[str, Any]]:
    found = []
    while len(found) < count:
        message = _receive(socket)
        if message["type"] == "event":
            found.append(message["event"])
    return found


def _drain(socket: ClientConnection, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        socket.recv(timeout=deadline - time.monotonic())


def _closed_with(socket: ClientConnection, timeout: float = 5.0) -> int:
    """The code the server closed the socket with, within `timeout`."""
    with pytest.raises(ConnectionClosed) as closed:
        _drain(socket, timeout)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def _create(base: str, path: str, body: dict[str, Any], token: str) -> dict[str, Any]:
    status, created = call(base, "POST", path, body, token)
    assert status == 201, created
    result: dict[str, Any] = created
    return result


def test_a_ticket_from_one_process_opens_a_socket_at_another_once(
    deployment: Deployment,
) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    ticket = _ticket(deployment.a.base, org_id, owner.token)
    with connect(_url(deployment.b.base, org_id, f"?ticket={ticket}"), open_timeout=10) as socket:
        create_label(deployment.a.base, org_id, owner, "urgent")
        [event] = _events(socket, 1)
        [item] = [i for i in feed(deployment.a.base, org_id, owner.token) if i["id"] == event["id"]]
        assert event == item
    with pytest.raises(InvalidStatus) as refused:
        connect(_url(deployment.a.base, org_id, f"?ticket={ticket}"), open_timeout=10)
    assert refused.value.response.status_code == 401


def test_an_expired_or_foreign_ticket_is_refused(deployment: Deployment) -> None:
    owner = register(deployment.a.base, "owner")
    org_id, other_org = create_org(deployment.a.base, owner), create_org(deployment.a.base, owner)
    foreign = _ticket(deployment.a.base, other_org, owner.token)
    with pytest.raises(InvalidStatus) as refused:
        connect(_url(deployment.b.base, org_id, f"?ticket={foreign}"), open_timeout=10)
    assert refused.value.response.status_code == 401
    expired = _ticket(deployment.a.base, org_id, owner.token)
    engine = deployment.engine()
    try:
        with engine.begin() as connection:
            past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
            connection.execute(
                sa.text("UPDATE realtime_tickets SET expires_at = :past"), {"past": past}
            )
    finally:
        engine.dispose()
    with pytest.raises(InvalidStatus) as refused:
        connect(_url(deployment.b.base, org_id, f"?ticket={expired}"), open_timeout=10)
    assert refused.value.response.status_code == 401


def test_subscribe_filters_by_types_and_projects(deployment: Deployment) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    projects = f"/orgs/{org_id}/projects"
    wanted = _create(deployment.a.base, projects, {"name": "One", "key": "ONE"}, owner.token)
    other = _create(deployment.a.base, projects, {"name": "Two", "key": "TWO"}, owner.token)
    with _open(deployment.b.base, org_id, owner.token) as socket:
        socket.send(
            json.dumps({"type": "subscribe", "types": ["task.*"], "project_ids": [wanted["id"]]})
        )
        subscribed = _receive(socket)
        assert subscribed["type"] == "subscribed"
        assert subscribed["project_ids"] == [wanted["id"]]
        assert "task.created" in subscribed["types"]
        assert "label.created" not in subscribed["types"]
        tasks = f"/orgs/{org_id}/tasks"
        _create(deployment.a.base, tasks, {"project_id": other["id"], "title": "no"}, owner.token)
        create_label(deployment.a.base, org_id, owner, "not a task")
        mine = _create(
            deployment.a.base, tasks, {"project_id": wanted["id"], "title": "yes"}, owner.token
        )
        [event] = _events(socket, 1)
        assert event["type"] == "task.created"
        assert event["data"]["id"] == mine["id"]


def test_a_bad_message_is_answered_and_a_binary_one_closes_with_1008(
    deployment: Deployment,
) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    with _open(deployment.b.base, org_id, owner.token) as socket:
        socket.send("not json")
        assert _receive(socket)["error"]["code"] == "invalid_message"
        socket.send(json.dumps({"type": "subscribe", "types": ["bogus.*"]}))
        refused = _receive(socket)["error"]
        assert refused["code"] == "validation_error"
        assert refused["errors"][0]["field"] == "types"
        socket.send(b"\x00\x01")
        assert _closed_with(socket) == 1008


def test_resume_replays_after_the_event_and_a_gone_point_closes_4410(
    deployment: Deployment,
) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    for name in ("one", "two", "three"):
        create_label(deployment.a.base, org_id, owner, name)
    labels = [
        i for i in feed(deployment.a.base, org_id, owner.token) if i["type"] == "label.created"
    ]
    with _open(deployment.b.base, org_id, owner.token) as socket:
        socket.send(json.dumps({"type": "resume", "after": labels[0]["id"]}))
        assert _receive(socket)["type"] == "subscribed"
        assert [e["id"] for e in _events(socket, 2)] == [labels[1]["id"], labels[2]["id"]]
        socket.send(json.dumps({"type": "resume", "after": str(uuid.uuid4())}))
        assert _closed_with(socket) == 4410
    with pytest.raises(InvalidStatus) as gone:
        _open(deployment.b.base, org_id, owner.token, f"?after={uuid.uuid4()}")
    assert gone.value.response.status_code == 410


def test_a_revoked_session_closes_4401_within_two_seconds(deployment: Deployment) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    token = sign_in(deployment.a.base, owner)
    ticket = _ticket(deployment.a.base, org_id, token)
    with connect(_url(deployment.b.base, org_id, f"?ticket={ticket}"), open_timeout=10) as socket:
        time.sleep(0.5)
        assert call(deployment.a.base, "POST", "/auth/logout", None, token)[0] == 204
        revoked = time.monotonic()
        assert _closed_with(socket) == 4401
        assert time.monotonic() - revoked < 2.0


def test_a_removed_member_is_closed_4403_within_two_seconds(deployment: Deployment) -> None:
    owner, member = register(deployment.a.base, "owner"), register(deployment.a.base, "member")
    org_id = create_org(deployment.a.base, owner)
    add_member(deployment.a.base, org_id, owner, member, "viewer")
    with _open(deployment.b.base, org_id, member.token) as socket:
        time.sleep(0.5)
        status, _ = call(
            deployment.a.base, "DELETE", f"/orgs/{org_id}/members/{member.id}", None, owner.token
        )
        assert status == 204
        removed = time.monotonic()
        assert _closed_with(socket) == 4403
        assert time.monotonic() - removed < 2.0


def test_a_plain_get_is_not_a_websocket(deployment: Deployment) -> None:
    owner = register(deployment.a.base, "owner")
    org_id = create_org(deployment.a.base, owner)
    status, body = call(deployment.b.base, "GET", f"/orgs/{org_id}/events/ws", None, owner.token)
    assert status == 400
    assert body["code"] == "websocket_handshake_invalid"


def test_a_deactivated_user_is_closed_4401_within_two_seconds(deployment: Deployment) -> None:
    owner, member = register(deployment.a.base, "owner"), register(deployment.a.base, "member")
    org_id = create_org(deployment.a.base, owner)
    add_member(deployment.a.base, org_id, owner, member, "viewer")
    with _open(deployment.b.base, org_id, member.token) as socket:
        time.sleep(0.5)
        # The command commits before it returns: the 2 s run from its return at the latest.
        subprocess.run(
            [sys.executable, "-m", "taskhub.entrypoints.cli", "users", "deactivate", member.email],
            cwd=deployment.a.cwd,
            env=deployment.a.environ(),
            check=True,
            capture_output=True,
        )
        deactivated = time.monotonic()
        assert _closed_with(socket) == 4401
        assert time.monotonic() - deactivated < 2.0
