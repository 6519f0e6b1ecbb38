"""Real changes through the API end up in the audit trail, attributed and chained.

The audit context's own tests feed it synthetic events; these make the changes a
user would and read the log back.
"""

from falcon import testing

from tests.integration.world import (
    API,
    PASSWORD,
    add_member,
    bearer,
    create_api_key,
    create_org,
    register,
)


def entries(
    client: testing.TestClient, org_id: str, token_headers: dict[str, str], **query: str
) -> list[dict]:  # type: ignore[type-arg]
    result = client.simulate_get(
        f"{API}/orgs/{org_id}/audit-log", params={"limit": "100", **query}, headers=token_headers
    )
    assert result.status_code == 200, result.text
    items: list[dict] = result.json["items"]  # type: ignore[type-arg]
    return items


def test_organization_changes_are_audited_with_who_and_from_where(
    client: testing.TestClient,
) -> None:
    owner, ada = register(client, "owner"), register(client, "ada")
    org = create_org(client, owner)
    add_member(client, org["id"], owner, ada, "member")
    client.simulate_patch(
        f"{API}/orgs/{org['id']}/members/{ada.id}",
        json={"role": "admin"},
        headers={**owner.auth, "X-Request-ID": "promote-ada", "User-Agent": "console/1.0"},
    )
    key = create_api_key(client, org["id"], owner, "member")
    project = client.simulate_post(
        f"{API}/orgs/{org['id']}/projects",
        json={"name": "Engine", "key": "ENG"},
        headers=owner.auth,
    ).json
    task = client.simulate_post(
        f"{API}/orgs/{org['id']}/tasks",
        json={"project_id": project["id"], "title": "Boot"},
        headers=bearer(key["key"]),
    ).json
    client.simulate_patch(
        f"{API}/orgs/{org['id']}/tasks/{task['id']}", json={"status": "done"}, headers=ada.auth
    )

    log = entries(client, org["id"], owner.auth)
    actions = [e["action"] for e in reversed(log)]
    assert actions == [
        "organization.created",
        "member.added",
        "member.added",
        "member.role_changed",
        "api_key.created",
        "project.created",
        *["state.created"] * 5,  # the project's default workflow states
        "task.created",
        "task.updated",
    ]
    promotion = next(e for e in log if e["action"] == "member.role_changed")
    assert promotion["actor_type"] == "user"
    assert promotion["actor_id"] == str(owner.id)
    assert promotion["changes"] == {"role": ["member", "admin"]}
    assert promotion["request_id"] == "promote-ada"
    assert promotion["user_agent"] == "console/1.0"
    created_by_key = next(e for e in log if e["action"] == "task.created")
    assert created_by_key["actor_type"] == "api_key"
    assert created_by_key["actor_id"] == key["id"]
    done = log[0]
    assert done["changes"]["status"] == ["todo", "done"]
    api_key_entry = next(e for e in log if e["action"] == "api_key.created")
    assert key["key"] not in str(api_key_entry)

    verified = client.simulate_get(f"{API}/orgs/{org['id']}/audit-log/verify", headers=owner.auth)
    assert verified.json["valid"] is True
    assert verified.json["entries"] == len(log)

    activity = client.simulate_get(
        f"{API}/orgs/{org['id']}/tasks/{task['id']}/activity", headers=ada.auth
    ).json["items"]
    assert [a["action"] for a in activity] == ["task.updated", "task.created"]


def test_account_events_go_to_the_users_security_log(client: testing.TestClient) -> None:
    ada = register(client, "ada")
    client.simulate_post(f"{API}/auth/login", json={"email": ada.email, "password": "wrong one 1"})
    signed_in = client.simulate_post(
        f"{API}/auth/login", json={"email": ada.email, "password": PASSWORD}
    ).json
    client.simulate_post(
        f"{API}/auth/change-password",
        json={"current_password": PASSWORD, "new_password": "brand new 22"},
        headers=bearer(signed_in["access_token"]),
    )
    fresh = client.simulate_post(
        f"{API}/auth/login", json={"email": ada.email, "password": "brand new 22"}
    ).json
    log = client.simulate_get(
        f"{API}/users/me/security-log", headers=bearer(fresh["access_token"])
    ).json["items"]
    actions = [e["action"] for e in reversed(log)]
    assert actions[:3] == ["user.registered", "user.sign_in_failed", "user.signed_in"]
    assert "user.password_changed" in actions
    assert actions.count("session.revoked") == 2
    assert actions[-1] == "user.signed_in"
    assert all(PASSWORD not in str(e) and "brand new 22" not in str(e) for e in log)
