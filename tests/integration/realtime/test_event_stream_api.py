"""The stream, WebSocket and ticket routes through falcon's TestClient on both databases.

TestClient is a WSGI server without the hand-off hook: everything up to accepting a
stream is answered as usual (401, 404, 410, 422), and accepting one is 501
`streaming_unavailable`. Streams themselves are tested over real HTTP in
tests/integration/realtime/.
"""

import uuid

from falcon import testing

from tests.integration.world import API, bearer, create_org, problem, register

_HANDSHAKE = {
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
}


def test_a_server_without_the_hand_off_hook_answers_501(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    stream = client.simulate_get(f"{API}/orgs/{org['id']}/events/stream", headers=owner.auth)
    problem(stream, 501, "streaming_unavailable")
    socket = client.simulate_get(
        f"{API}/orgs/{org['id']}/events/ws", headers={**owner.auth, **_HANDSHAKE}
    )
    problem(socket, 501, "streaming_unavailable")


def test_resume_points_and_filters_are_checked_before_a_stream_is_accepted(
    client: testing.TestClient,
) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    path = f"{API}/orgs/{org['id']}/events/stream"
    gone = client.simulate_get(path, headers={**owner.auth, "Last-Event-ID": str(uuid.uuid4())})
    problem(gone, 410, "event_gone")
    problem(client.simulate_get(path, headers={**owner.auth, "Last-Event-ID": "x"}), 422)
    problem(client.simulate_get(path, params={"types": "nothing.*"}, headers=owner.auth), 422)
    problem(client.simulate_get(path, params={"colour": "red"}, headers=owner.auth), 422)
    problem(client.simulate_get(path), 401)


def test_a_websocket_needs_a_handshake(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    plain = client.simulate_get(f"{API}/orgs/{org['id']}/events/ws", headers=owner.auth)
    problem(plain, 400, "websocket_handshake_invalid")


def test_a_ticket_is_shown_once_and_opens_only_once(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    issued = client.simulate_post(f"{API}/orgs/{org['id']}/events/tickets", headers=owner.auth)
    assert issued.status_code == 201, issued.text
    assert set(issued.json) == {"ticket", "expires_in"}
    assert issued.json["expires_in"] == 60
    ws = f"{API}/orgs/{org['id']}/events/ws"
    first = client.simulate_get(ws, params={"ticket": issued.json["ticket"]}, headers=_HANDSHAKE)
    problem(first, 501, "streaming_unavailable")  # authenticated by the ticket
    again = client.simulate_get(ws, params={"ticket": issued.json["ticket"]}, headers=_HANDSHAKE)
    problem(again, 401, "invalid_ticket")
    problem(client.simulate_get(ws, params={"ticket": "tkt_made_up"}, headers=_HANDSHAKE), 401)


def test_an_api_key_may_stream_its_organization(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    key = client.simulate_post(
        f"{API}/orgs/{org['id']}/api-keys",
        json={"name": "reader", "role": "viewer"},
        headers=owner.auth,
    ).json["key"]
    stream = client.simulate_get(f"{API}/orgs/{org['id']}/events/stream", headers=bearer(key))
    problem(stream, 501, "streaming_unavailable")


def test_head_on_the_stream_is_checked_like_get_and_opens_nothing(
    client: testing.TestClient,
) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    path = f"{API}/orgs/{org['id']}/events/stream"
    head = client.simulate_head(path, headers=owner.auth)
    assert head.status_code == 200
    assert head.content == b""
    assert client.simulate_head(path).status_code == 401
    gone = client.simulate_head(path, headers={**owner.auth, "Last-Event-ID": str(uuid.uuid4())})
    assert gone.status_code == 410


def test_a_ticket_points_at_the_socket_it_opens(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    issued = client.simulate_post(f"{API}/orgs/{org['id']}/events/tickets", headers=owner.auth)
    assert issued.status_code == 201, issued.text
    assert issued.headers["location"] == f"{API}/orgs/{org['id']}/events/ws"
