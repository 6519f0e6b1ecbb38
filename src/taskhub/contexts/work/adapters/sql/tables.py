"""Work's tables, on work's own MetaData.

Full-text search needs objects each database spells its own way (a generated
`tsvector` column with a GIN index on PostgreSQL, an FTS5 table kept in step by
triggers on SQLite); the migration creates them and `DIALECT_SPECIFIC` names them so
schema comparisons leave them out.

Every table here is org-scoped and keyed tenant first (ADR 0022): primary keys lead
with `org_id`, and references between them carry it (`in_org`).
"""

from typing import Any

import sqlalchemy as sa

from taskhub.platform.sql_types import IdList, UtcDateTime, in_org, new_metadata

metadata = new_metadata()

LIVE = sa.text("deleted_at IS NULL")

projects = sa.Table(
    "work_projects",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("key", sa.String(10), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("next_number", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    sa.UniqueConstraint("org_id", "key"),
    sa.Index("ix_work_projects_org_created", "org_id", "created_at", "id"),
)

RANK = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")
"""Board ranks compare by byte value on every database (SQLite's default collation)."""


def _planned(name: str, *columns: sa.Column[Any], listed_by: str) -> sa.Table:
    """A project's planning resource (states, cycles, milestones), listed per project by
    `listed_by`, then id."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("org_id", sa.Uuid, nullable=False),
        sa.Column("project_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        *columns,
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted_at", UtcDateTime),
        sa.PrimaryKeyConstraint("org_id", "id"),
        in_org("project_id", projects, name=f"fk_{name}_project_id_work_projects"),
        sa.Index(
            f"ix_{name}_project_{listed_by.removesuffix('_at').removesuffix('_on')}",
            "org_id",
            "project_id",
            listed_by,
            "id",
            postgresql_where=LIVE,
            sqlite_where=LIVE,
        ),
    )


states = _planned(
    "work_states",
    sa.Column("category", sa.String(16), nullable=False),
    sa.Column("color", sa.String(7), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    listed_by="position",
)

# On PostgreSQL the migration adds `ex_work_cycles_no_overlap`, an exclusion constraint
# over each project's live date ranges.
cycles = _planned(
    "work_cycles",
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("completed_at", UtcDateTime),
    listed_by="starts_on",
)

milestones = _planned(
    "work_milestones",
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("due_on", sa.Date),
    listed_by="created_at",
)


def _live_index(name: str, *columns: str) -> sa.Index:
    return sa.Index(name, *columns, postgresql_where=LIVE, sqlite_where=LIVE)


tasks = sa.Table(
    "work_tasks",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("project_id", sa.Uuid, nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("priority", sa.String(16), nullable=False),
    sa.Column("priority_rank", sa.SmallInteger, nullable=False),
    sa.Column("due_at", UtcDateTime),
    sa.Column("parent_id", sa.Uuid),
    sa.Column("created_by", sa.Uuid, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
    # Copies of the task's sets (`work_task_assignees`, `work_task_labels` stay the
    # source and serve the filters), written with them, so a list page reads its sets
    # from its own rows instead of probing two indexes per task.
    sa.Column("assignee_ids", IdList),
    sa.Column("label_ids", IdList),
    sa.Column("state_id", sa.Uuid, nullable=False),
    sa.Column("cycle_id", sa.Uuid),
    sa.Column("milestone_id", sa.Uuid),
    sa.Column("rank", RANK, nullable=False),
    sa.Column("estimate", sa.Integer),
    sa.Column("start_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    in_org("project_id", projects, name="fk_work_tasks_project_id_work_projects"),
    in_org("state_id", states, name="fk_work_tasks_state_id_work_states"),
    in_org("cycle_id", cycles, name="fk_work_tasks_cycle_id_work_cycles"),
    in_org("milestone_id", milestones, name="fk_work_tasks_milestone_id_work_milestones"),
    # Two tasks of a project never share a rank, deleted ones included (a restored task
    # comes back to its place), whatever the concurrency.
    sa.Index("uq_work_tasks_project_rank", "org_id", "project_id", "rank", unique=True),
    # The board's order, in a project or across the organization.
    _live_index("ix_work_tasks_project_rank", "org_id", "project_id", "rank", "id"),
    _live_index("ix_work_tasks_org_rank", "org_id", "rank", "id"),
    _live_index("ix_work_tasks_cycle_created", "org_id", "cycle_id", "created_at", "id"),
    _live_index("ix_work_tasks_cycle_rank", "org_id", "cycle_id", "rank", "id"),
    _live_index("ix_work_tasks_milestone_created", "org_id", "milestone_id", "created_at", "id"),
    sa.UniqueConstraint("org_id", "project_id", "number"),
    # The list's default path: one project, newest first, live tasks only.
    sa.Index(
        "ix_work_tasks_project_created",
        "org_id",
        "project_id",
        "created_at",
        "id",
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    ),
    sa.Index(
        "ix_work_tasks_org_created",
        "org_id",
        "created_at",
        "id",
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    ),
    sa.Index(
        "ix_work_tasks_project_updated",
        "org_id",
        "project_id",
        "updated_at",
        "id",
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    ),
    sa.Index(
        "ix_work_tasks_project_priority",
        "org_id",
        "project_id",
        "priority_rank",
        "id",
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    ),
    sa.Index(
        "ix_work_tasks_project_due",
        "org_id",
        "project_id",
        "due_at",
        "id",
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    ),
    sa.Index("ix_work_tasks_parent", "org_id", "parent_id"),
)

task_assignees = sa.Table(
    "work_task_assignees",
    metadata,
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("task_id", sa.Uuid, nullable=False),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.PrimaryKeyConstraint("org_id", "task_id", "user_id"),
    in_org("task_id", tasks, name="fk_work_task_assignees_task_id_work_tasks", ondelete="CASCADE"),
    sa.Index("ix_work_task_assignees_user", "org_id", "user_id", "task_id"),
)

task_labels = sa.Table(
    "work_task_labels",
    metadata,
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("task_id", sa.Uuid, nullable=False),
    sa.Column("label_id", sa.Uuid, nullable=False),
    sa.PrimaryKeyConstraint("org_id", "task_id", "label_id"),
    in_org("task_id", tasks, name="fk_work_task_labels_task_id_work_tasks", ondelete="CASCADE"),
    sa.Index("ix_work_task_labels_label", "org_id", "label_id", "task_id"),
)

task_dependencies = sa.Table(
    "work_task_dependencies",
    metadata,
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("task_id", sa.Uuid, nullable=False),
    sa.Column("depends_on_id", sa.Uuid, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("org_id", "task_id", "depends_on_id"),
    in_org(
        "task_id", tasks, name="fk_work_task_dependencies_task_id_work_tasks", ondelete="CASCADE"
    ),
    in_org(
        "depends_on_id",
        tasks,
        name="fk_work_task_dependencies_depends_on_id_work_tasks",
        ondelete="CASCADE",
    ),
    sa.Index("ix_work_task_dependencies_depends_on", "org_id", "depends_on_id"),
)

labels = sa.Table(
    "work_labels",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_canonical", sa.String(200), nullable=False),
    sa.Column("color", sa.String(7), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    sa.Index("ix_work_labels_org_created", "org_id", "created_at", "id"),
    # A name is unique among the organization's live labels, ignoring case, whatever
    # the concurrency: the database decides, not a read before the write.
    sa.Index(
        "ix_work_labels_org_name",
        "org_id",
        "name_canonical",
        unique=True,
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    ),
)

comments = sa.Table(
    "work_comments",
    metadata,
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("task_id", sa.Uuid, nullable=False),
    sa.Column("author_id", sa.Uuid, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    in_org("task_id", tasks, name="fk_work_comments_task_id_work_tasks", ondelete="CASCADE"),
    sa.Index("ix_work_comments_task_created", "org_id", "task_id", "created_at", "id"),
)

# Created by the migration, per dialect; not modelled above.
DIALECT_SPECIFIC_COLUMNS = {("work_tasks", "search")}
DIALECT_SPECIFIC_TABLES = {
    "work_tasks_fts",
    "work_tasks_fts_data",
    "work_tasks_fts_idx",
    "work_tasks_fts_content",
    "work_tasks_fts_docsize",
    "work_tasks_fts_config",
}
DIALECT_SPECIFIC_INDEXES = {"ix_work_tasks_search"}
