"""Rules that span rows hold under concurrency (PostgreSQL, real threads, one app):
no dependency or parent cycle, unique label and team names, at least one owner."""

from collections.abc import Callable
from typing import Any

import pytest
from falcon import testing

from tests.integration.concurrency.races import race
from tests.integration.work_world import Org
from tests.integration.world import API, User, add_member, create_org, register

pytestmark = pytest.mark.postgres

ROUNDS = 5
WRITERS = 12


def _statuses(results: list[Any]) -> list[int]:
    return sorted(r.status_code for r in results)


def test_opposite_dependencies_added_at_once_never_form_a_cycle(org: Org) -> None:
    project = org.project()
    for _round in range(ROUNDS):
        pairs = [(org.task(project), org.task(project)) for _ in range(WRITERS // 2)]
        jobs: list[Callable[[], Any]] = []
        for a, b in pairs:
            jobs.append(
                lambda a=a, b=b: org.post(
                    f"/tasks/{a['id']}/dependencies", {"depends_on_id": b["id"]}
                )
            )
            jobs.append(
                lambda a=a, b=b: org.post(
                    f"/tasks/{b['id']}/dependencies", {"depends_on_id": a["id"]}
                )
            )

        results = race(jobs)

        assert _statuses(results) == [201] * len(pairs) + [409] * len(pairs), [
            r.text for r in results
        ]
        for a, b in pairs:
            forward = org.get(f"/tasks/{a['id']}/dependencies").json["items"]
            backward = org.get(f"/tasks/{b['id']}/dependencies").json["items"]
            assert len(forward) + len(backward) == 1


def test_opposite_parents_set_at_once_never_form_a_cycle(org: Org) -> None:
    project = org.project()
    for _round in range(ROUNDS):
        pairs = [(org.task(project), org.task(project)) for _ in range(WRITERS // 2)]
        jobs: list[Callable[[], Any]] = []
        for a, b in pairs:
            jobs.append(lambda a=a, b=b: org.patch(f"/tasks/{a['id']}", {"parent_id": b["id"]}))
            jobs.append(lambda a=a, b=b: org.patch(f"/tasks/{b['id']}", {"parent_id": a["id"]}))

        results = race(jobs)

        assert _statuses(results) == [200] * len(pairs) + [409] * len(pairs), [
            r.text for r in results
        ]
        for a, b in pairs:
            parents = {
                org.get(f"/tasks/{a['id']}").json["parent_id"],
                org.get(f"/tasks/{b['id']}").json["parent_id"],
            }
            assert parents in ({b["id"], None}, {a["id"], None})


def test_one_label_name_created_at_once_is_stored_once(org: Org) -> None:
    for round_ in range(ROUNDS):
        name = f"Needs review {round_}"
        bodies = [
            {"name": name if i % 2 else name.upper(), "color": "#00ff00"} for i in range(WRITERS)
        ]
        results = race([lambda body=body: org.post("/labels", body) for body in bodies])

        assert _statuses(results) == [201] + [409] * (WRITERS - 1), [r.text for r in results]
        assert {r.json["code"] for r in results if r.status_code == 409} == {"label_name_taken"}
    names = [
        label["name"].lower()
        for label in org.get("/labels", query_string="limit=100").json["items"]
    ]
    assert sorted(names) == sorted({*names})


def _rename(org: Org, label: dict[str, Any], name: str) -> Callable[[], Any]:
    return lambda: org.patch(f"/labels/{label['id']}", {"name": name})


def test_labels_renamed_to_one_name_at_once_leave_one_holder(org: Org) -> None:
    for round_ in range(ROUNDS):
        labels = [org.label() for _ in range(WRITERS)]
        results = race([_rename(org, label, f"Duplicate {round_}") for label in labels])

        assert _statuses(results) == [200] + [409] * (WRITERS - 1), [r.text for r in results]


def _create_team(org: Org, body: dict[str, str]) -> Callable[[], Any]:
    return lambda: org.post("/teams", body, by=org.admin)


def test_one_team_name_created_at_once_is_stored_once(org: Org) -> None:
    for round_ in range(ROUNDS):
        body = {"name": f"Platform {round_}", "description": ""}
        results = race([_create_team(org, body)] * WRITERS)

        assert _statuses(results) == [201] + [409] * (WRITERS - 1), [r.text for r in results]
        assert {r.json["code"] for r in results if r.status_code == 409} == {"team_name_taken"}


def _demote_or_remove(
    client: testing.TestClient, members: str, by: User, target: User, remove: bool
) -> Callable[[], Any]:
    if remove:
        return lambda: client.simulate_delete(f"{members}/{target.id}", headers=by.auth)
    return lambda: client.simulate_patch(
        f"{members}/{target.id}", json={"role": "member"}, headers=by.auth
    )


def test_owners_demoting_and_removing_each_other_at_once_leave_one(
    pg_client: testing.TestClient,
) -> None:
    for _round in range(ROUNDS):
        owners = [register(pg_client, f"owner{i}") for i in range(WRITERS)]
        org = create_org(pg_client, owners[0])
        for owner in owners[1:]:
            add_member(pg_client, org["id"], owners[0], owner, "owner")
        members = f"{API}/orgs/{org['id']}/members"
        jobs = [
            _demote_or_remove(pg_client, members, owner, owners[(i + 1) % WRITERS], i % 2 == 1)
            for i, owner in enumerate(owners)
        ]

        results = race(jobs)

        assert {r.status_code for r in results} <= {200, 204, 403, 404, 409}, [
            r.text for r in results
        ]
        # A survivor reads the members: the one who kept the owner role can.
        listed = [
            pg_client.simulate_get(members, query_string="limit=100", headers=o.auth)
            for o in owners
        ]
        roles = next(r.json["items"] for r in listed if r.status_code == 200)
        assert [m["role"] for m in roles].count("owner") >= 1, roles
