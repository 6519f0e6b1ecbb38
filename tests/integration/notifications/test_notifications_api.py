"""Notifications from work's events: one per recipient per change, never to the actor;
the inbox, marking read, settings, and a member leaving."""

from typing import Any

from falcon import testing

from taskhub.bootstrap import ApplicationContainer
from tests.integration.notifications.conftest import deliver
from tests.integration.work_world import make_org
from tests.integration.world import API, User, problem


def inbox(client: testing.TestClient, user: User, query: str = "") -> list[dict[str, Any]]:
    result = client.simulate_get(
        f"{API}/users/me/notifications", headers=user.auth, query_string=query
    )
    assert result.status_code == 200, result.text
    items: list[dict[str, Any]] = result.json["items"]
    return items


def reasons(client: testing.TestClient, user: User) -> list[str]:
    return [item["reason"] for item in inbox(client, user)]


def test_assignment_status_change_and_comments_notify_once_each_never_the_actor(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    org = make_org(client)
    task = org.task(org.project(), title="Fix login", assignee_ids=[str(org.viewer.id)])
    deliver(container)
    [assigned] = inbox(client, org.viewer)
    assert assigned["reason"] == "assigned"
    assert assigned["actor_id"] == str(org.member.id)
    assert assigned["org_id"] == org.id
    assert assigned["task_id"] == task["id"]
    assert "Fix login" in assigned["summary"]
    assert set(assigned) == {
        "id",
        "org_id",
        "reason",
        "task_id",
        "actor_id",
        "summary",
        "created_at",
        "read_at",
    }
    assert inbox(client, org.member) == []  # the creator acted

    # The admin is assigned and the status changes in one PATCH: one notification each.
    result = org.patch(
        f"/tasks/{task['id']}",
        {"status": "in_progress", "assignee_ids": [str(org.viewer.id), str(org.admin.id)]},
        by=org.owner,
    )
    assert result.status_code == 200, result.text
    deliver(container)
    assert reasons(client, org.admin) == ["assigned"]
    assert reasons(client, org.viewer) == ["status_changed", "assigned"]
    assert reasons(client, org.member) == ["status_changed"]
    assert reasons(client, org.owner) == []

    body = f"<@{org.viewer.id}> have a look"
    assert (
        org.post(f"/tasks/{task['id']}/comments", {"body": body}, by=org.admin).status_code == 201
    )
    deliver(container)
    deliver(container)  # a redelivery adds nothing
    assert reasons(client, org.viewer)[0] == "mentioned"
    assert reasons(client, org.member)[0] == "commented"
    assert reasons(client, org.admin) == ["assigned"]  # the commenter is not told
    assert len(inbox(client, org.viewer)) == 3


def test_reading_unread_and_marking_read(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    org = make_org(client)
    project = org.project()
    for title in ("One", "Two", "Three"):
        org.task(project, title=title, assignee_ids=[str(org.viewer.id)])
    deliver(container)
    first, second, third = inbox(client, org.viewer)
    assert "Three" in first["summary"]  # newest first
    url = f"{API}/users/me/notifications/read"

    result = client.simulate_post(url, json={"ids": [first["id"]]}, headers=org.viewer.auth)
    assert result.status_code == 204, result.text
    assert [n["id"] for n in inbox(client, org.viewer, "unread=true")] == [
        second["id"],
        third["id"],
    ]
    result = client.simulate_post(
        url, json={"before": second["created_at"]}, headers=org.viewer.auth
    )
    assert result.status_code == 204
    assert inbox(client, org.viewer, "unread=true") == []
    # Another user's ids change nothing of theirs.
    org.task(project, assignee_ids=[str(org.admin.id)])
    deliver(container)
    [admins] = inbox(client, org.admin)
    client.simulate_post(url, json={"ids": [admins["id"]]}, headers=org.viewer.auth)
    assert inbox(client, org.admin)[0]["read_at"] is None

    problem(client.simulate_post(url, json={}, headers=org.viewer.auth), 422)
    problem(client.simulate_post(url, json={"ids": ["nope"]}, headers=org.viewer.auth), 422)
    problem(
        client.simulate_post(url, json={"ids": [first["id"]] * 101}, headers=org.viewer.auth), 422
    )
    problem(
        client.simulate_get(
            f"{API}/users/me/notifications", query_string="unread=yes", headers=org.viewer.auth
        ),
        422,
    )


def test_settings_per_reason_and_channel(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    org = make_org(client)
    url = f"{API}/users/me/notification-settings"
    defaults = client.simulate_get(url, headers=org.viewer.auth)
    assert defaults.status_code == 200
    assert defaults.json["reasons"]["assigned"] == {"in_app": True, "email": True}
    assert set(defaults.json["reasons"]) == {
        "assigned",
        "mentioned",
        "commented",
        "status_changed",
        "due_soon",
        "invited",
    }
    result = client.simulate_put(
        url,
        json={"reasons": {"assigned": {"in_app": False, "email": False}}},
        headers=org.viewer.auth,
    )
    assert result.status_code == 200, result.text
    assert result.json["reasons"]["assigned"] == {"in_app": False, "email": False}
    assert result.json["reasons"]["mentioned"] == {"in_app": True, "email": True}
    assert client.simulate_get(url, headers=org.viewer.auth).json == result.json

    org.task(org.project(), assignee_ids=[str(org.viewer.id)])
    deliver(container)
    assert inbox(client, org.viewer) == []

    bad = {"reasons": {"nonsense": {"in_app": True, "email": True}}}
    problem(client.simulate_put(url, json=bad, headers=org.viewer.auth), 422)
    partial = {"reasons": {"assigned": {"in_app": True}}}
    problem(client.simulate_put(url, json=partial, headers=org.viewer.auth), 422)


def test_a_member_who_leaves_loses_the_orgs_notifications_and_gets_no_more(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    org = make_org(client)
    task = org.task(org.project(), assignee_ids=[str(org.viewer.id)])
    deliver(container)
    assert reasons(client, org.viewer) == ["assigned"]

    assert org.delete(f"/members/{org.viewer.id}", by=org.admin).status_code == 204
    org.patch(f"/tasks/{task['id']}", {"status": "done"}, by=org.member)
    deliver(container)
    assert inbox(client, org.viewer) == []
