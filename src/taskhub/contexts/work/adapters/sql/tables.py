"""Work's tables, on work's own MetaData.

Full-text search needs objects each database spells its own way (a generated
`tsvector` column with a GIN index on PostgreSQL, an FTS5 table kept in step by
triggers on SQLite); the migration creates them and `DIALECT_SPECIFIC` names them so
schema comparisons leave them out.

Every table here is org-scoped and keyed tenant first (ADR 0022): primary keys lead
with `org_id`, and references between them carry it (`in_org`).
"""

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
    sa.PrimaryKeyConstraint("org_id", "id"),
    in_org("project_id", projects, name="fk_work_tasks_project_id_work_projects"),
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
