"""`GET /users/me/export` and `DELETE /users/me` over HTTP (SQLite and PostgreSQL)."""

from typing import Any

from falcon import testing

from taskhub.bootstrap import ApplicationContainer
from tests.integration.world import (
    API,
    PASSWORD,
    User,
    add_member,
    bearer,
    create_api_key,
    create_org,
    problem,
    register,
)


def _work(client: testing.TestClient, org_id: str, by: User) -> tuple[dict[str, Any], str]:
    """A project, a task `by` created, and a comment `by` wrote on it."""
    base = f"{API}/orgs/{org_id}"
    project = client.simulate_post(
        f"{base}/projects", json={"name": "Engine", "key": "ENG"}, headers=by.auth
    ).json
    task = client.simulate_post(
        f"{base}/tasks", json={"project_id": project["id"], "title": "Fix it"}, headers=by.auth
    )
    assert task.status_code == 201, task.text
    comment = client.simulate_post(
        f"{base}/tasks/{task.json['id']}/comments", json={"body": "on it"}, headers=by.auth
    )
    assert comment.status_code == 201, comment.text
    return task.json, comment.json["id"]


def _erase(client: testing.TestClient, user: User, password: str = PASSWORD) -> testing.Result:
    return client.simulate_delete(f"{API}/users/me", json={"password": password}, headers=user.auth)


def test_the_export_holds_everything_stored_about_the_caller(client: testing.TestClient) -> None:
    ada = register(client, "ada")
    org = create_org(client, ada)
    org_id = str(org["id"])
    key = create_api_key(client, org_id, ada, "member")
    task, comment_id = _work(client, org_id, ada)
    other = register(client, "other")  # nothing of theirs shows up
    _work(client, str(create_org(client, other)["id"]), other)

    result = client.simulate_get(f"{API}/users/me/export", headers=ada.auth)
    assert result.status_code == 200, result.text
    exported = result.json
    assert exported["profile"]["id"] == str(ada.id)
    assert exported["profile"]["email"] == ada.email
    assert "password_hash" not in str(exported)
    assert len(exported["sessions"]) == 1
    assert [k["id"] for k in exported["api_keys"]] == [key["id"]]
    assert key["key"] not in str(exported)
    assert [(m["org_id"], m["role"]) for m in exported["memberships"]] == [(org_id, "owner")]
    assert [(t["id"], t["title"], t["key"]) for t in exported["tasks_created"]] == [
        (task["id"], "Fix it", "ENG-1")
    ]
    assert [(c["id"], c["task_title"]) for c in exported["comments_written"]] == [
        (comment_id, "Fix it")
    ]
    actions = {entry["action"] for entry in exported["security_log"]}
    assert "user.registered" in actions
    # API keys never reach /users/me.
    problem(client.simulate_get(f"{API}/users/me/export", headers=bearer(key["key"])), 403)


def test_erasure_forgets_the_person_and_keeps_the_audit_chain_valid(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    owner = register(client, "owner")
    org_id = str(create_org(client, owner)["id"])
    ada = register(client, "ada")
    add_member(client, org_id, owner, ada, "admin")
    key = create_api_key(client, org_id, ada, "member")
    _work(client, org_id, ada)
    second = client.simulate_post(
        f"{API}/auth/login", json={"email": ada.email, "password": PASSWORD}
    ).json

    problem(_erase(client, ada, "wrong password 1"), 422)
    assert problem(_erase(client, ada, "wrong password 1"), 422)["errors"][0]["field"] == (
        "password"
    )
    problem(client.simulate_delete(f"{API}/users/me", headers=ada.auth), 400)  # no body
    assert client.simulate_get(f"{API}/users/me", headers=ada.auth).status_code == 200

    erased = _erase(client, ada)
    assert erased.status_code == 204, erased.text

    # Sessions and API keys stop working; the email and password no longer sign in.
    problem(client.simulate_get(f"{API}/users/me", headers=ada.auth), 401)
    problem(client.simulate_get(f"{API}/users/me", headers=bearer(second["access_token"])), 401)
    refreshed = client.simulate_post(
        f"{API}/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    problem(refreshed, 401)
    problem(client.simulate_get(f"{API}/orgs/{org_id}/tasks", headers=bearer(key["key"])), 401)
    login = client.simulate_post(
        f"{API}/auth/login", json={"email": ada.email, "password": PASSWORD}
    )
    problem(login, 401)

    # Memberships are gone; the email is free again.
    members = client.simulate_get(f"{API}/orgs/{org_id}/members", headers=owner.auth).json
    assert [m["user_id"] for m in members["items"]] == [str(owner.id)]
    again = client.simulate_post(
        f"{API}/auth/register", json={"email": ada.email, "password": PASSWORD, "name": "Ada 2"}
    )
    assert again.status_code == 201
    assert again.json["user"]["id"] != str(ada.id)

    # Nothing in identity says who the account was.
    user = container.identity.accounts().profile(ada.id)
    assert ada.email not in user.email
    assert user.name == "Erased user"

    # The organization's log keeps the id and still verifies.
    log = client.simulate_get(f"{API}/orgs/{org_id}/audit-log", headers=owner.auth).json["items"]
    assert any(e["actor_id"] == str(ada.id) for e in log)
    assert all(ada.email not in str(e["changes"]) for e in log)
    assert any(e["action"] == "member.removed" and e["entity_id"] == str(ada.id) for e in log)
    verdict = client.simulate_get(f"{API}/orgs/{org_id}/audit-log/verify", headers=owner.auth)
    assert verdict.json["valid"] is True


def test_the_only_owner_of_an_organization_cannot_leave_by_erasure(
    client: testing.TestClient,
) -> None:
    ada = register(client, "ada")
    org_id = str(create_org(client, ada)["id"])
    problem(_erase(client, ada), 409, "sole_owner")
    # Nothing changed.
    assert client.simulate_get(f"{API}/users/me", headers=ada.auth).status_code == 200
    assert client.simulate_get(f"{API}/orgs/{org_id}", headers=ada.auth).status_code == 200

    # With a second owner, the account can go.
    bob = register(client, "bob")
    add_member(client, org_id, ada, bob, "owner")
    assert _erase(client, ada).status_code == 204
    members = client.simulate_get(f"{API}/orgs/{org_id}/members", headers=bob.auth).json
    assert [(m["user_id"], m["role"]) for m in members["items"]] == [(str(bob.id), "owner")]
