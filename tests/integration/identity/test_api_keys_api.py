"""API keys: created once, scoped to one org and role, revocable, never on /auth or /users/me."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from tests.integration.world import (
    API,
    add_member,
    bearer,
    create_api_key,
    create_org,
    problem,
    register,
)


def test_a_key_is_shown_once_and_listed_without_its_secret(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    created = create_api_key(client, org["id"], owner, "member")
    assert set(created) == {"id", "name", "role", "prefix", "key", "expires_at", "created_at"}
    assert created["key"].startswith("thk_")
    assert created["key"].startswith(created["prefix"])
    assert len(created["key"]) > 40
    listing = client.simulate_get(f"{API}/orgs/{org['id']}/api-keys", headers=owner.auth)
    (item,) = listing.json["items"]
    assert "key" not in item
    assert created["key"] not in listing.text
    assert item["prefix"] == created["prefix"]


def test_a_key_acts_in_its_org_with_its_role(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org, other = create_org(client, owner), create_org(client, owner)
    key = bearer(create_api_key(client, org["id"], owner, "viewer")["key"])
    assert client.simulate_get(f"{API}/orgs/{org['id']}", headers=key).status_code == 200
    problem(
        client.simulate_post(f"{API}/orgs/{org['id']}/teams", json={"name": "T"}, headers=key), 403
    )
    problem(client.simulate_get(f"{API}/orgs/{other['id']}", headers=key), 404)


def test_keys_never_reach_auth_or_users_me(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    key = bearer(create_api_key(client, org["id"], owner, "admin")["key"])
    for method, path in (
        ("GET", "/users/me"),
        ("PATCH", "/users/me"),
        ("GET", "/users/me/sessions"),
        ("POST", "/auth/logout"),
        ("POST", "/auth/change-password"),
        ("GET", "/orgs"),
        ("POST", "/orgs"),
    ):
        result = client.simulate_request(method, f"{API}{path}", headers=key, json={})
        problem(result, 403, "api_key_not_allowed")


def test_a_key_cannot_outrank_its_creator(client: testing.TestClient) -> None:
    owner, admin = register(client, "owner"), register(client, "admin")
    org = create_org(client, owner)
    add_member(client, org["id"], owner, admin, "admin")
    result = client.simulate_post(
        f"{API}/orgs/{org['id']}/api-keys", json={"name": "k", "role": "owner"}, headers=admin.auth
    )
    problem(result, 403)
    key = bearer(create_api_key(client, org["id"], admin, "admin")["key"])
    assert (
        client.simulate_post(
            f"{API}/orgs/{org['id']}/teams", json={"name": "A"}, headers=key
        ).status_code
        == 201
    )
    # Demoting the creator lowers the key at once; removing the creator kills it.
    client.simulate_patch(
        f"{API}/orgs/{org['id']}/members/{admin.id}", json={"role": "member"}, headers=owner.auth
    )
    problem(
        client.simulate_post(f"{API}/orgs/{org['id']}/teams", json={"name": "B"}, headers=key), 403
    )
    client.simulate_delete(f"{API}/orgs/{org['id']}/members/{admin.id}", headers=owner.auth)
    problem(client.simulate_get(f"{API}/orgs/{org['id']}", headers=key), 404)


def test_revocation_takes_effect_on_the_next_request(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    created = create_api_key(client, org["id"], owner, "member")
    key = bearer(created["key"])
    assert client.simulate_get(f"{API}/orgs/{org['id']}", headers=key).status_code == 200
    revoke = client.simulate_delete(
        f"{API}/orgs/{org['id']}/api-keys/{created['id']}", headers=owner.auth
    )
    assert revoke.status_code == 204
    problem(client.simulate_get(f"{API}/orgs/{org['id']}", headers=key), 401, "invalid_api_key")
    problem(
        client.simulate_delete(
            f"{API}/orgs/{org['id']}/api-keys/{created['id']}", headers=owner.auth
        ),
        404,
    )
    assert (
        client.simulate_get(f"{API}/orgs/{org['id']}/api-keys", headers=owner.auth).json["items"]
        == []
    )


def test_expiry(client: testing.TestClient, engine: Engine) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    result = client.simulate_post(
        f"{API}/orgs/{org['id']}/api-keys",
        json={"name": "old", "role": "viewer", "expires_at": past},
        headers=owner.auth,
    )
    assert [e["field"] for e in problem(result, 422)["errors"]] == ["expires_at"]
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    created = create_api_key(client, org["id"], owner, "viewer", expires_at=soon)
    key = bearer(created["key"])
    assert client.simulate_get(f"{API}/orgs/{org['id']}", headers=key).status_code == 200
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE identity_api_keys SET expires_at = :t WHERE prefix = :p"),
            {"t": datetime.now(UTC) - timedelta(seconds=1), "p": created["prefix"]},
        )
    problem(client.simulate_get(f"{API}/orgs/{org['id']}", headers=key), 401, "invalid_api_key")


def test_unknown_keys_are_401(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    result = client.simulate_get(f"{API}/orgs/{org['id']}", headers=bearer("thk_" + "x" * 43))
    problem(result, 401, "invalid_api_key")
    assert result.headers["www-authenticate"] == "Bearer"


def test_an_idempotent_retry_never_replays_the_secret(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    url = f"{API}/orgs/{org['id']}/api-keys"
    headers = {**owner.auth, "Idempotency-Key": "create-ci-key"}
    first = client.simulate_post(url, json={"name": "ci", "role": "member"}, headers=headers)
    assert first.status_code == 201
    retry = client.simulate_post(url, json={"name": "ci", "role": "member"}, headers=headers)
    problem(retry, 409, "idempotent_response_withheld")
    assert first.json["key"] not in retry.text
    assert len(client.simulate_get(url, headers=owner.auth).json["items"]) == 1


def test_deactivating_the_creator_refuses_their_keys_at_once(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    owner, admin = register(client, "owner"), register(client, "admin")
    org = create_org(client, owner)
    add_member(client, org["id"], owner, admin, "admin")
    key = bearer(create_api_key(client, org["id"], admin, "admin")["key"])
    others = bearer(create_api_key(client, org["id"], owner, "member")["key"])
    projects = f"{API}/orgs/{org['id']}/projects"
    tasks = f"{API}/orgs/{org['id']}/tasks"
    assert client.simulate_get(tasks, headers=key).status_code == 200
    made = client.simulate_post(projects, json={"name": "One", "key": "ONE"}, headers=key)
    assert made.status_code == 201, made.text
    container.identity.accounts().set_active(admin.email, False)
    problem(client.simulate_get(tasks, headers=key), 401, "invalid_api_key")
    two = {"name": "Two", "key": "TWO"}
    problem(client.simulate_post(projects, json=two, headers=key), 401, "invalid_api_key")
    # Another creator's key is untouched, and activating the account again restores the key.
    assert client.simulate_get(tasks, headers=others).status_code == 200
    container.identity.accounts().set_active(admin.email, True)
    assert client.simulate_get(tasks, headers=key).status_code == 200
