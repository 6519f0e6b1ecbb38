"""Progress of cycles and milestones, counted by the database from their live tasks in
one grouped statement per page (the tasks are never loaded)."""

import uuid
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.work.adapters.sql.tables import projects, tasks
from taskhub.contexts.work.application.planning_ports import Progress


def progress_by(
    connection: sa.Connection,
    column: sa.Column[Any],
    org_id: uuid.UUID,
    ids: Collection[uuid.UUID],
) -> dict[uuid.UUID, Progress]:
    """Per id of `column` (`cycle_id` or `milestone_id`): tasks, done tasks, and the sum
    of their estimates (`done` is the status `done`; cancelled tasks count as tasks)."""
    if not ids:
        return {}
    done = tasks.c.status == "done"
    points = sa.func.coalesce(tasks.c.estimate, 0)
    query = (
        sa.select(
            column,
            sa.func.count(),
            sa.func.count().filter(done),
            sa.func.coalesce(sa.func.sum(points), 0),
            sa.func.coalesce(sa.func.sum(points).filter(done), 0),
        )
        .join(
            projects,
            sa.and_(projects.c.org_id == tasks.c.org_id, projects.c.id == tasks.c.project_id),
        )
        .where(
            tasks.c.org_id == org_id,
            column.in_(list(ids)),
            tasks.c.deleted_at.is_(None),
            projects.c.deleted_at.is_(None),
        )
        .group_by(column)
    )
    return {
        row[0]: Progress(
            tasks=int(row[1]), done=int(row[2]), points=int(row[3]), points_done=int(row[4])
        )
        for row in connection.execute(query)
    }


def stepped(now: Any) -> dict[str, Any]:
    """What a bulk move writes besides the moved column: each task's version steps, so
    a client holding the old one gets 412, and `updated_at` says when."""
    return {"version": tasks.c.version + 1, "updated_at": now}
