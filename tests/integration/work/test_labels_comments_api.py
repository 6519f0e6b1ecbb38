"""API.md §Work, labels (`{name, color}`, names unique in the org ignoring case) and
comments (written by members, edited by their author, deleted by the author or an admin)."""

import uuid
from typing import Any

import pytest
from falcon import testing

from tests.integration.work_world import Org, invalid, make_org
from tests.integration.world import problem

LABEL_FIELDS = {"id", "name", "color", "created_at", "updated_at", "version"}
COMMENT_FIELDS = {"id", "task_id", "author_id", "body", "created_at", "updated_at", "version"}


@pytest.fixture
def org(client: testing.TestClient) -> Org:
    return make_org(client)


@pytest.fixture
def task(org: Org) -> dict[str, Any]:
    return org.task(org.project("ENG"), "Commented")


# labels -----------------------------------------------------------------------------------


def test_a_member_creates_a_label(org: Org) -> None:
    result = org.post("/labels", {"name": "Bug", "color": "#d73a4a"})
    assert result.status_code == 201, result.text
    label = result.json
    assert set(label) == LABEL_FIELDS
    assert (label["name"], label["color"], label["version"]) == ("Bug", "#d73a4a", 1)
    assert result.headers["etag"] == '"1"'
    listed = org.get("/labels", by=org.viewer)
    assert listed.json["items"] == [label]
    problem(org.post("/labels", {"name": "X", "color": "#000000"}, by=org.viewer), 403)


def test_label_names_are_unique_in_the_org_ignoring_case(org: Org) -> None:
    org.label("Bug")
    for name in ("bug", "BUG", "Bug", " bug "):
        problem(org.post("/labels", {"name": name, "color": "#000000"}), 409, "label_name_taken")
    other = make_org(org.client)
    assert other.label("bug")["name"] == "bug"
    feature = org.label("Feature")
    problem(org.patch(f"/labels/{feature['id']}", {"name": "BUG"}), 409, "label_name_taken")
    # Changing the case of one's own name is not a conflict.
    assert org.patch(f"/labels/{feature['id']}", {"name": "FEATURE"}).json["name"] == "FEATURE"
    # A deleted label's name is free again.
    bug = next(lb for lb in org.get("/labels").json["items"] if lb["name"] == "Bug")
    assert org.delete(f"/labels/{bug['id']}").status_code == 204
    assert org.label("bug")["name"] == "bug"


@pytest.mark.parametrize(
    "color", ["red", "#fff", "#ggggGG", "1f6feb", "#1f6feb0", "#1f6fe", "", " #1f6feb", None, 5]
)
def test_bad_colors_are_422(org: Org, color: Any) -> None:
    invalid(org.post("/labels", {"name": "X", "color": color}), "color")
    label = org.label("Y")
    invalid(org.patch(f"/labels/{label['id']}", {"color": color}), "color")


def test_label_bodies_are_validated(org: Org) -> None:
    invalid(org.post("/labels", {"color": "#000000"}), "name")
    invalid(org.post("/labels", {"name": "", "color": "#000000"}), "name")
    invalid(org.post("/labels", {"name": "x" * 201, "color": "#000000"}), "name")
    invalid(org.post("/labels", {"name": "X", "color": "#000000", "org_id": org.id}), "org_id")
    assert org.label("x" * 200)["name"] == "x" * 200
    assert org.label("Upper", color="#ABCDEF")["color"].lower() == "#abcdef"


def test_members_patch_and_delete_labels_with_if_match(org: Org) -> None:
    label = org.label("Bug", color="#d73a4a")
    url = f"/labels/{label['id']}"
    problem(org.patch(url, {"name": "Defect"}, by=org.viewer), 403)
    problem(org.delete(url, by=org.viewer), 403)
    problem(org.patch(url, {"name": "Defect"}, headers={"If-Match": '"2"'}), 412)
    changed = org.patch(url, {"name": "Defect"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert (changed.json["name"], changed.json["color"], changed.json["version"]) == (
        "Defect",
        "#d73a4a",
        2,
    )
    assert changed.headers["etag"] == '"2"'
    recolored = org.patch(url, {"color": "#0e8a16"}, by=org.admin).json
    assert (recolored["name"], recolored["color"], recolored["version"]) == (
        "Defect",
        "#0e8a16",
        3,
    )
    invalid(org.patch(url, {"name": None}), "name")
    invalid(org.patch(url, {"id": str(uuid.uuid4())}), "id")
    problem(org.delete(url, headers={"If-Match": '"1"'}), 412)
    assert org.delete(url, headers={"If-Match": '"3"'}).status_code == 204
    problem(org.patch(url, {"name": "Back"}), 404)
    problem(org.delete(url), 404)
    assert org.get("/labels").json["items"] == []


def test_another_orgs_label_is_404(org: Org) -> None:
    other = make_org(org.client)
    theirs = other.label("bug")
    problem(org.patch(f"/labels/{theirs['id']}", {"name": "Mine"}, by=org.owner), 404)
    problem(org.delete(f"/labels/{theirs['id']}", by=org.owner), 404)
    assert other.get("/labels").json["items"] == [theirs]
    assert org.get("/labels").json["items"] == []


def test_labels_paginate(org: Org) -> None:
    made = [org.label(f"l{i}")["id"] for i in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = org.get("/labels", params=params).json
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)
    assert len(seen) == 5


# comments ---------------------------------------------------------------------------------


def comment(org: Org, task: dict[str, Any], body: str, by: Any = None) -> dict[str, Any]:
    result = org.post(f"/tasks/{task['id']}/comments", {"body": body}, by=by)
    assert result.status_code == 201, result.text
    created: dict[str, Any] = result.json
    return created


def test_members_comment_and_everyone_reads(org: Org, task: dict[str, Any]) -> None:
    result = org.post(f"/tasks/{task['id']}/comments", {"body": "Looks good"})
    assert result.status_code == 201, result.text
    first = result.json
    assert set(first) == COMMENT_FIELDS
    assert (first["task_id"], first["author_id"], first["body"], first["version"]) == (
        task["id"],
        str(org.member.id),
        "Looks good",
        1,
    )
    assert result.headers["etag"] == '"1"'
    second = comment(org, task, "Agreed", by=org.admin)
    problem(org.post(f"/tasks/{task['id']}/comments", {"body": "Hi"}, by=org.viewer), 403)
    listed = org.get(f"/tasks/{task['id']}/comments", by=org.viewer)
    assert listed.status_code == 200
    assert sorted(c["id"] for c in listed.json["items"]) == sorted([first["id"], second["id"]])
    assert {c["id"]: c for c in listed.json["items"]}[first["id"]] == first
    other_task = org.task(org.project("OPS"))
    assert org.get(f"/tasks/{other_task['id']}/comments").json["items"] == []


def test_comment_bodies_are_validated(org: Org, task: dict[str, Any]) -> None:
    url = f"/tasks/{task['id']}/comments"
    for body in ({}, {"body": ""}, {"body": "   "}, {"body": None}, {"body": "b" * 20_001}):
        invalid(org.post(url, body), "body")
    invalid(org.post(url, {"body": "Hi", "author_id": str(org.owner.id)}), "author_id")
    assert len(comment(org, task, "b" * 20_000)["body"]) == 20_000
    problem(org.post(f"/tasks/{uuid.uuid4()}/comments", {"body": "Hi"}), 404)


def test_only_the_author_edits(org: Org, task: dict[str, Any]) -> None:
    mine = comment(org, task, "Original")
    url = f"/tasks/{task['id']}/comments/{mine['id']}"
    for user in (org.admin, org.owner):
        problem(org.patch(url, {"body": "Hijacked"}, by=user), 403)
    problem(org.patch(url, {"body": "Hijacked"}, by=org.viewer), 403)
    problem(org.patch(url, {"body": "Edited"}, headers={"If-Match": '"2"'}), 412)
    edited = org.patch(url, {"body": "Edited"}, headers={"If-Match": '"1"'})
    assert edited.status_code == 200, edited.text
    assert (edited.json["body"], edited.json["version"], edited.json["author_id"]) == (
        "Edited",
        2,
        str(org.member.id),
    )
    assert edited.headers["etag"] == '"2"'
    assert edited.json["updated_at"] > mine["updated_at"]
    invalid(org.patch(url, {"body": ""}), "body")
    listed = org.get(f"/tasks/{task['id']}/comments").json["items"]
    assert [c["body"] for c in listed] == ["Edited"]


def test_the_author_or_an_admin_deletes(org: Org, task: dict[str, Any]) -> None:
    first = comment(org, task, "By member")
    second = comment(org, task, "Also by member")
    third = comment(org, task, "By admin", by=org.admin)
    base = f"/tasks/{task['id']}/comments"
    problem(org.delete(f"{base}/{third['id']}", by=org.member), 403)
    problem(org.delete(f"{base}/{first['id']}", by=org.viewer), 403)
    problem(org.delete(f"{base}/{first['id']}", headers={"If-Match": '"9"'}), 412)
    assert org.delete(f"{base}/{first['id']}", headers={"If-Match": '"1"'}).status_code == 204
    assert org.delete(f"{base}/{second['id']}", by=org.admin).status_code == 204
    assert org.delete(f"{base}/{third['id']}", by=org.owner).status_code == 204
    assert org.get(base).json["items"] == []
    problem(org.delete(f"{base}/{first['id']}"), 404)
    problem(org.patch(f"{base}/{first['id']}", {"body": "Back"}), 404)


def test_comments_belong_to_their_task_and_org(org: Org, task: dict[str, Any]) -> None:
    mine = comment(org, task, "Here")
    elsewhere = org.task(org.project("OPS"))
    wrong = f"/tasks/{elsewhere['id']}/comments/{mine['id']}"
    problem(org.patch(wrong, {"body": "Moved"}), 404)
    problem(org.delete(wrong, by=org.admin), 404)
    other = make_org(org.client)
    url = f"{org.base}/tasks/{task['id']}/comments"
    problem(org.client.simulate_get(url, headers=other.owner.auth), 404)
    problem(
        org.client.simulate_post(url, json={"body": "Hi"}, headers=other.member.auth),
        404,
    )
    assert [c["id"] for c in org.get(f"/tasks/{task['id']}/comments").json["items"]] == [mine["id"]]


def test_comments_of_a_deleted_task_are_unreachable(org: Org, task: dict[str, Any]) -> None:
    mine = comment(org, task, "Here")
    org.delete(f"/tasks/{task['id']}")
    base = f"/tasks/{task['id']}/comments"
    problem(org.get(base), 404)
    problem(org.post(base, {"body": "Still here?"}), 404)
    problem(org.patch(f"{base}/{mine['id']}", {"body": "Edit"}), 404)
    problem(org.delete(f"{base}/{mine['id']}"), 404)
    org.post(f"/tasks/{task['id']}/restore", by=org.admin)
    assert [c["id"] for c in org.get(base).json["items"]] == [mine["id"]]
