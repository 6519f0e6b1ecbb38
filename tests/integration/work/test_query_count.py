"""The task list costs a fixed number of SQL statements, however many tasks (with their
assignees and labels) the page holds: no N+1."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from tests.integration.work_world import Org, make_org


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        if not args[2].startswith("BEGIN"):  # SQLite's explicit transaction starts
            statements.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def fill(org: Org, project: dict[str, Any], labels: list[str], count: int) -> None:
    people = [str(org.member.id), str(org.viewer.id), str(org.admin.id)]
    operations = [
        {
            "op": "create",
            "data": {
                "project_id": project["id"],
                "title": f"Task {i} deploy",
                "assignee_ids": people[: 1 + i % 3],
                "label_ids": labels[: 1 + i % 2],
                "due_at": f"2026-01-{1 + i % 28:02d}T00:00:00Z",
            },
        }
        for i in range(count)
    ]
    result = org.post("/tasks/batch", {"operations": operations})
    assert result.status_code == 200, result.text


def statements_for(org: Org, engine: Engine, query: str, expected_items: int) -> int:
    with counting(engine) as statements:
        result = org.get("/tasks", query_string=query, by=org.viewer)
    assert result.status_code == 200, result.text
    items = result.json["items"]
    assert len(items) == expected_items
    assert all(item["assignee_ids"] and item["label_ids"] for item in items)
    return len(statements)


def test_listing_costs_the_same_for_10_and_100_tasks(
    client: testing.TestClient, engine: Engine
) -> None:
    small, large = make_org(client), make_org(client)
    for org, count in ((small, 10), (large, 100)):
        project = org.project("ENG")
        labels = [org.label("bug")["id"], org.label("ui")["id"]]
        fill(org, project, labels, count)

    queries = [
        "limit=100",
        "limit=100&sort=priority",
        "limit=100&sort=-due_at",
        "limit=100&q=deploy",
        "limit=100&status=todo&priority=medium&priority=high",
    ]
    for query in queries:
        few = statements_for(small, engine, query, 10)
        many = statements_for(large, engine, query, 100)
        assert few == many, query
        # The session, the membership, the page with its sets (and, for a due-date sort
        # whose dated tasks run out, the undated segment).
        assert many == (4 if "due_at" in query else 3), (query, many)

    # Label and assignee filters too.
    for org, count in ((small, 10), (large, 100)):
        label = org.get("/labels").json["items"][0]["id"]
        assert statements_for(org, engine, f"limit=100&label_id={label}", count) == few
        assert statements_for(org, engine, f"limit=100&assignee_id={org.member.id}", count) == few


def test_a_single_task_costs_the_same_with_many_assignees(
    client: testing.TestClient, engine: Engine
) -> None:
    org = make_org(client)
    project = org.project("ENG")
    bare = org.task(project, "Bare", assignee_ids=[str(org.member.id)])
    people = [str(u.id) for u in (org.owner, org.admin, org.member, org.viewer)]
    labels = [org.label(f"l{i}")["id"] for i in range(10)]
    full = org.task(project, "Full", assignee_ids=people, label_ids=labels)
    counts = []
    for task in (bare, full):
        with counting(engine) as statements:
            result = org.get(f"/tasks/{task['id']}")
        assert result.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
