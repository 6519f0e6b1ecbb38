"""`If-Match` is compare-and-set in the database (PostgreSQL, real threads, one app).

Of any number of writers holding the same version exactly one wins and the others get
412; writers without `If-Match` all apply, one after the other, and each audit entry
shows the value the previous writer left.
"""

import itertools
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from falcon import testing

from tests.integration.concurrency.races import race
from tests.integration.work_world import Org
from tests.integration.world import User

pytestmark = pytest.mark.postgres

WRITERS = 12
ROUNDS = 3


@attrs.frozen
class Resource:
    """One versioned resource of an organization and how to change it."""

    path: str
    by: User
    field: str
    entity_type: str


def _created(result: testing.Result) -> dict[str, Any]:
    assert result.status_code == 201, result.text
    body: dict[str, Any] = result.json
    return body


def _task(org: Org) -> Resource:
    task = org.task(org.project())
    return Resource(f"/tasks/{task['id']}", org.member, "title", "task")


def _project(org: Org) -> Resource:
    return Resource(f"/projects/{org.project()['id']}", org.admin, "name", "project")


def _label(org: Org) -> Resource:
    return Resource(f"/labels/{org.label()['id']}", org.member, "name", "label")


def _comment(org: Org) -> Resource:
    task = org.task(org.project())
    comment = _created(org.post(f"/tasks/{task['id']}/comments", {"body": "first"}))
    return Resource(f"/tasks/{task['id']}/comments/{comment['id']}", org.member, "body", "comment")


def _team(org: Org) -> Resource:
    team = _created(org.post("/teams", {"name": "Core", "description": ""}, by=org.admin))
    return Resource(f"/teams/{team['id']}", org.admin, "name", "team")


def _organization(org: Org) -> Resource:
    return Resource("", org.owner, "name", "organization")


def _webhook(org: Org) -> Resource:
    body = {"url": "http://127.0.0.1:9/hook", "events": ["*"]}
    webhook = _created(org.post("/webhooks", body, by=org.admin))
    return Resource(f"/webhooks/{webhook['id']}", org.admin, "description", "webhook")


KINDS: dict[str, Callable[[Org], Resource]] = {
    "task": _task,
    "project": _project,
    "label": _label,
    "comment": _comment,
    "team": _team,
    "organization": _organization,
    "webhook": _webhook,
}
DELETABLE = [kind for kind in KINDS if kind != "organization"]


def _version(org: Org, resource: Resource) -> int:
    if resource.entity_type in ("comment", "label"):  # read through their lists
        collection, item_id = resource.path.rsplit("/", 1)
        listed = org.get(collection, by=resource.by, query_string="limit=100")
        (item,) = [i for i in listed.json["items"] if i["id"] == item_id]
        return int(item["version"])
    result = org.get(resource.path, by=resource.by)
    assert result.status_code == 200, result.text
    return int(result.json["version"])


def _patch(org: Org, resource: Resource, value: str, version: int | None) -> Callable[[], Any]:
    headers = {} if version is None else {"If-Match": f'"{version}"'}
    body = {resource.field: value}
    return lambda: org.patch(resource.path, body, by=resource.by, headers=headers)


def _delete(org: Org, resource: Resource, version: int) -> Callable[[], Any]:
    headers = {"If-Match": f'"{version}"'}
    return lambda: org.delete(resource.path, by=resource.by, headers=headers)


@pytest.mark.parametrize("kind", list(KINDS))
def test_of_writers_holding_one_version_exactly_one_wins(org: Org, kind: str) -> None:
    resource = KINDS[kind](org)
    for round_ in range(ROUNDS):
        version = _version(org, resource)
        values = [f"round {round_} writer {i}" for i in range(WRITERS)]
        results = race([_patch(org, resource, value, version) for value in values])

        statuses = sorted(r.status_code for r in results)
        assert statuses == [200] + [412] * (WRITERS - 1), [r.text for r in results]
        (winner,) = [r for r in results if r.status_code == 200]
        assert winner.headers["etag"] == f'"{version + 1}"'
        assert _version(org, resource) == version + 1
        for loser in (r for r in results if r.status_code == 412):
            assert loser.json["code"] == "precondition_failed"


@pytest.mark.parametrize("kind", DELETABLE)
def test_a_delete_racing_patches_of_one_version_leaves_one_winner(org: Org, kind: str) -> None:
    for round_ in range(ROUNDS):
        resource = KINDS[kind](org)
        version = _version(org, resource)
        values = [f"round {round_} writer {i}" for i in range(WRITERS - 2)]
        jobs = [_patch(org, resource, value, version) for value in values]
        jobs += [_delete(org, resource, version)] * 2

        results = race(jobs)

        statuses = sorted(r.status_code for r in results)
        assert statuses in ([200] + [412] * (WRITERS - 1), [204] + [412] * (WRITERS - 1)), [
            r.text for r in results
        ]


@pytest.mark.parametrize("kind", list(KINDS))
def test_writers_without_if_match_all_apply_one_after_another(org: Org, kind: str) -> None:
    resource = KINDS[kind](org)
    start = _version(org, resource)
    total = 0
    for round_ in range(ROUNDS):
        values = [f"round {round_} writer {i}" for i in range(WRITERS)]
        results = race([_patch(org, resource, value, None) for value in values])
        assert [r.status_code for r in results] == [200] * WRITERS, [r.text for r in results]
        total += WRITERS
        assert _version(org, resource) == start + total

    entity_id = resource.path.rsplit("/", 1)[1] if resource.path else org.id
    audited = org.get(
        "/audit-log",
        by=org.owner,
        query_string=f"entity_id={entity_id}&action={resource.entity_type}.updated&limit=100",
    )
    assert audited.status_code == 200, audited.text
    changes = [e["changes"][resource.field] for e in reversed(audited.json["items"])]
    assert len(changes) == total
    # Each update starts from the value the one before it left: nothing lost, nothing stale.
    for before, after in itertools.pairwise(changes):
        assert after[0] == before[1]
