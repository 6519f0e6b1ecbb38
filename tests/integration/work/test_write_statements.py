"""What a write sends to the database (ADR 0039): the idempotency key claimed and its
response stored with one statement each, the audit chain's head locked last (after the
outbox row), entry and head written together on PostgreSQL, and a PATCH that keeps a
task's assignees and labels leaves their link rows alone."""

import uuid
from typing import Any

from falcon import testing
from sqlalchemy.engine import Engine

from tests.integration.work.test_query_count import counting
from tests.integration.work_world import make_org


def _on(statements: list[str], table: str) -> list[int]:
    return [i for i, s in enumerate(statements) if table in s]


def _chain_last(statements: list[str], postgres: bool) -> None:
    heads = _on(statements, "audit_chain_heads")
    assert len(heads) == 2, statements  # the lock, then the head's move
    audit = sorted({*heads, *_on(statements, "audit_entries")})
    if postgres:  # locked, then the entry and the head's move in one statement
        assert "FOR UPDATE" in statements[heads[0]]
        assert "audit_entries" in statements[heads[1]]
        assert len(audit) == 2, statements
    else:  # SQLite's write transaction is the lock; entry and head apart
        assert len(audit) == 3, statements
    assert audit[-1] == len(statements) - 1, statements  # nothing after the chain's move
    assert all(i > max(_on(statements, "platform_outbox")) for i in audit), statements
    assert all(i > j for i in audit for j in _on(statements, "work_")), statements


def _warm(org: Any, project: dict[str, Any]) -> dict[str, Any]:
    """A first keyed create: the chain head exists, answers are remembered, and the
    guard's periodic sweep of expired keys (once a minute) has run."""
    result = org.post(
        "/tasks",
        {"project_id": project["id"], "title": "First"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert result.status_code == 201, result.text
    task: dict[str, Any] = result.json
    return task


def _keyed(statements: list[str]) -> None:
    keys = _on(statements, "platform_idempotency_keys")
    assert len(keys) == 2, statements  # the claim (first) and the stored response (last)
    assert keys[0] == 0, statements
    assert keys[1] == len(statements) - 1, statements


def test_a_create_claims_numbers_audits_and_stores_with_few_statements(
    client: testing.TestClient, engine: Engine
) -> None:
    org = make_org(client)
    project = org.project("ENG")
    _warm(org, project)
    postgres = engine.dialect.name == "postgresql"
    with counting(engine) as statements:
        result = org.post(
            "/tasks",
            {"project_id": project["id"], "title": "Second"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert result.status_code == 201, result.text
    assert result.json["number"] == 2
    work = [s for s in statements if "identity_" not in s and "tenancy_" not in s]
    _keyed(work)
    _chain_last(work[:-1], postgres)
    assert len(_on(work, "work_tasks")) == 2  # the last rank and the INSERT
    assert len(work) <= (10 if postgres else 11), work


def test_a_title_patch_reads_the_task_once_and_leaves_its_links(
    client: testing.TestClient, engine: Engine
) -> None:
    org = make_org(client)
    project = org.project("ENG")
    label = org.label("bug")["id"]
    task = org.task(project, "Linked", assignee_ids=[str(org.member.id)], label_ids=[label])
    postgres = engine.dialect.name == "postgresql"
    with counting(engine) as statements:
        result = org.patch(
            f"/tasks/{task['id']}",
            {"title": "Renamed"},
            headers={"If-Match": f'"{task["version"]}"'},
        )
    assert result.status_code == 200, result.text
    body: dict[str, Any] = result.json
    assert body["assignee_ids"] == [str(org.member.id)]
    assert body["label_ids"] == [label]
    work = [s for s in statements if "identity_" not in s and "tenancy_" not in s]
    assert not _on(work, "work_task_assignees"), work
    assert not _on(work, "work_task_labels"), work
    _chain_last(work, postgres)
    assert len(work) == (5 if postgres else 6), work

    # Changing the links does rewrite them, and the task reads back with them.
    result = org.patch(f"/tasks/{task['id']}", {"assignee_ids": [], "label_ids": []})
    assert result.status_code == 200, result.text
    again = org.get(f"/tasks/{task['id']}").json
    assert again["assignee_ids"] == []
    assert again["label_ids"] == []
    assert org.tasks(f"project_id={project['id']}")[0]["assignee_ids"] == []


def test_a_comment_is_keyed_and_audited_last(client: testing.TestClient, engine: Engine) -> None:
    org = make_org(client)
    project = org.project("ENG")
    task = _warm(org, project)
    postgres = engine.dialect.name == "postgresql"
    with counting(engine) as statements:
        result = org.post(
            f"/tasks/{task['id']}/comments",
            {"body": "Looks good"},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert result.status_code == 201, result.text
    work = [s for s in statements if "identity_" not in s and "tenancy_" not in s]
    _keyed(work)
    _chain_last(work[:-1], postgres)
    assert len(work) <= (8 if postgres else 9), work
