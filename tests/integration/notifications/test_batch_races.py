"""Two worker processes' batches touching the same tasks at once, on PostgreSQL: the
batched writes take their row locks in key order, so neither waits for the other in a
cycle, both commit, and the later version of each task is the one remembered."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.notifications.adapters.messaging.subscriptions import SUBSCRIBER
from taskhub.contexts.notifications.adapters.sql.tables import tasks, watchers
from taskhub.contexts.work.public.events import COMMENT_CREATED, TASK_UPDATED
from taskhub.platform.messaging.envelope import Envelope
from tests.integration.concurrency.races import race
from tests.integration.notifications.conftest import deliver
from tests.integration.work_world import make_org


def body(org_id: uuid.UUID, type_: str, actor: uuid.UUID, data: dict[str, Any]) -> dict[str, Any]:
    return Envelope(
        event_id=uuid.uuid4(),
        type=type_,
        org_id=org_id,
        occurred_at=datetime.now(UTC),
        ordering_key=str(data.get("task_id") or data["id"]),
        data=data,
        position=0,
        actor_id=actor,
    ).body()


def test_concurrent_batches_over_the_same_tasks_both_commit(
    client: testing.TestClient, container: ApplicationContainer, engine: Engine
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers: no lock order to test")
    org = make_org(client)
    project = org.project()
    made = [org.task(project, title=f"Task {i}") for i in range(40)]
    deliver(container)
    org_id = uuid.UUID(org.id)
    updates = [
        body(org_id, TASK_UPDATED, org.owner.id, {**task, "status": "in_progress", "version": 2})
        for task in made
    ]
    # The other batch: the next version of each task, in the opposite order, and a
    # comment on each.
    later = [
        body(org_id, TASK_UPDATED, org.owner.id, {**task, "status": "done", "version": 3})
        for task in reversed(made)
    ] + [
        body(
            org_id,
            COMMENT_CREATED,
            org.admin.id,
            {"task_id": task["id"], "author_id": str(org.admin.id), "body": "on it"},
        )
        for task in made
    ]
    [subscription] = [s for s in container.subscriptions() if s.name == SUBSCRIBER]
    consumer = container.consumer()

    results = race(
        [lambda b=batch: consumer.handle_batch(subscription, b) for batch in (updates, later)]
    )

    assert results == [True, True]
    ids = [uuid.UUID(task["id"]) for task in made]
    with engine.connect() as connection:
        statuses = (
            connection.execute(
                sa.select(tasks.c.status).where(tasks.c.org_id == org_id, tasks.c.id.in_(ids))
            )
            .scalars()
            .all()
        )
        commenters = connection.execute(
            sa.select(sa.func.count()).where(
                watchers.c.org_id == org_id, watchers.c.user_id == org.admin.id
            )
        ).scalar_one()
    # Whichever batch committed first, the later version is the one remembered.
    assert statuses == ["done"] * 40
    assert commenters == 40
