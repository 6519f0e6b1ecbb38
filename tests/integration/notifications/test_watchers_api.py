"""Watchers: automatic (creator, assignees, commenters, mentioned members) and explicit,
with the contract's role rules."""

import uuid

from falcon import testing

from taskhub.bootstrap import ApplicationContainer
from tests.integration.notifications.conftest import deliver
from tests.integration.work_world import Org, make_org
from tests.integration.world import problem, register


def watchers(org: Org, task_id: str) -> set[str]:
    result = org.get(f"/tasks/{task_id}/watchers", by=org.viewer)
    assert result.status_code == 200, result.text
    return {item["user_id"] for item in result.json["items"]}


def test_creator_assignees_commenters_and_mentioned_members_watch(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    org = make_org(client)
    outsider = register(client, "outsider")
    task = org.task(org.project(), assignee_ids=[str(org.viewer.id)])
    body = f"<@{org.admin.id}> and <@{outsider.id}> and <@{uuid.uuid4()}> please look"
    result = org.post(f"/tasks/{task['id']}/comments", {"body": body}, by=org.owner)
    assert result.status_code == 201, result.text  # a non-member mention is only text
    deliver(container)

    assert watchers(org, task["id"]) == {
        str(org.member.id),  # creator
        str(org.viewer.id),  # assignee
        str(org.owner.id),  # commenter
        str(org.admin.id),  # mentioned member
    }


def test_anyone_watches_for_themselves_and_an_admin_for_others(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    org = make_org(client)
    task = org.task(org.project())
    path = f"/tasks/{task['id']}/watchers"

    assert (
        client.simulate_put(org.url(f"{path}/{org.viewer.id}"), headers=org.viewer.auth).status_code
        == 204
    )
    assert (
        client.simulate_put(org.url(f"{path}/{org.viewer.id}"), headers=org.viewer.auth).status_code
        == 204
    )
    assert str(org.viewer.id) in watchers(org, task["id"])
    problem(client.simulate_put(org.url(f"{path}/{org.admin.id}"), headers=org.member.auth), 403)
    assert (
        client.simulate_put(org.url(f"{path}/{org.owner.id}"), headers=org.admin.auth).status_code
        == 204
    )
    assert str(org.owner.id) in watchers(org, task["id"])

    assert org.delete(f"{path}/{org.viewer.id}", by=org.viewer).status_code == 204
    problem(org.delete(f"{path}/{org.owner.id}", by=org.member), 403)
    assert org.delete(f"{path}/{org.owner.id}", by=org.admin).status_code == 204
    assert watchers(org, task["id"]) == set()  # nothing delivered yet: the creator is not in


def test_watching_needs_a_member_and_a_live_task(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    org = make_org(client)
    outsider = register(client, "outsider")
    task = org.task(org.project())
    path = f"/tasks/{task['id']}/watchers"
    body = problem(
        client.simulate_put(org.url(f"{path}/{outsider.id}"), headers=org.admin.auth), 422
    )
    assert body["errors"][0]["field"] == "user_id"
    problem(org.get(f"/tasks/{uuid.uuid4()}/watchers"), 404)
    assert org.delete(f"/tasks/{task['id']}", by=org.member).status_code == 204
    problem(org.get(path), 404)
    problem(client.simulate_put(org.url(f"{path}/{org.member.id}"), headers=org.member.auth), 404)


def test_a_watch_stopped_on_purpose_is_audited(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    org = make_org(client)
    task = org.task(org.project())
    path = f"/tasks/{task['id']}/watchers/{org.viewer.id}"
    assert client.simulate_put(org.url(path), headers=org.viewer.auth).status_code == 204
    assert org.delete(path, by=org.viewer).status_code == 204
    log = org.get("/audit-log", by=org.admin, query_string=f"entity_id={task['id']}")
    assert log.status_code == 200, log.text
    actions = [entry["action"] for entry in log.json["items"]]
    assert actions[:2] == ["task.watcher_removed", "task.watcher_added"]
