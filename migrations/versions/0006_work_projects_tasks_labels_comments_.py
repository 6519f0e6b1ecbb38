"""work: projects, tasks, labels, comments, dependencies

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 02:42:12.642064
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "work_labels",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_canonical", sa.String(length=200), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_labels")),
    )
    op.create_index(
        "ix_work_labels_org_created", "work_labels", ["org_id", "created_at", "id"], unique=False
    )
    op.create_index(
        "ix_work_labels_org_name", "work_labels", ["org_id", "name_canonical"], unique=False
    )
    op.create_table(
        "work_projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_projects")),
        sa.UniqueConstraint("org_id", "key", name=op.f("uq_work_projects_org_id_key")),
    )
    op.create_index(
        "ix_work_projects_org_created",
        "work_projects",
        ["org_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "work_tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("priority_rank", sa.SmallInteger(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["work_projects.id"],
            name=op.f("fk_work_tasks_project_id_work_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_tasks")),
        sa.UniqueConstraint("project_id", "number", name=op.f("uq_work_tasks_project_id_number")),
    )
    op.create_index(
        "ix_work_tasks_org_created",
        "work_tasks",
        ["org_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index("ix_work_tasks_parent", "work_tasks", ["parent_id"], unique=False)
    op.create_index(
        "ix_work_tasks_project_created",
        "work_tasks",
        ["org_id", "project_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_work_tasks_project_due",
        "work_tasks",
        ["org_id", "project_id", "due_at", "id"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_work_tasks_project_priority",
        "work_tasks",
        ["org_id", "project_id", "priority_rank", "id"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_work_tasks_project_updated",
        "work_tasks",
        ["org_id", "project_id", "updated_at", "id"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "work_comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["work_tasks.id"],
            name=op.f("fk_work_comments_task_id_work_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_comments")),
    )
    op.create_index(
        "ix_work_comments_task_created",
        "work_comments",
        ["task_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "work_task_assignees",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["work_tasks.id"],
            name=op.f("fk_work_task_assignees_task_id_work_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "user_id", name=op.f("pk_work_task_assignees")),
    )
    op.create_index(
        "ix_work_task_assignees_user", "work_task_assignees", ["user_id", "task_id"], unique=False
    )
    op.create_table(
        "work_task_dependencies",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("depends_on_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["work_tasks.id"],
            name=op.f("fk_work_task_dependencies_depends_on_id_work_tasks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["work_tasks.id"],
            name=op.f("fk_work_task_dependencies_task_id_work_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "depends_on_id", name=op.f("pk_work_task_dependencies")),
    )
    op.create_index(
        "ix_work_task_dependencies_depends_on",
        "work_task_dependencies",
        ["depends_on_id"],
        unique=False,
    )
    op.create_table(
        "work_task_labels",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("label_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["work_tasks.id"],
            name=op.f("fk_work_task_labels_task_id_work_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", "label_id", name=op.f("pk_work_task_labels")),
    )
    op.create_index(
        "ix_work_task_labels_label", "work_task_labels", ["label_id", "task_id"], unique=False
    )

    _create_search()


def downgrade() -> None:
    _drop_search()

    op.drop_index("ix_work_task_labels_label", table_name="work_task_labels")
    op.drop_table("work_task_labels")
    op.drop_index("ix_work_task_dependencies_depends_on", table_name="work_task_dependencies")
    op.drop_table("work_task_dependencies")
    op.drop_index("ix_work_task_assignees_user", table_name="work_task_assignees")
    op.drop_table("work_task_assignees")
    op.drop_index("ix_work_comments_task_created", table_name="work_comments")
    op.drop_table("work_comments")
    op.drop_index(
        "ix_work_tasks_project_updated",
        table_name="work_tasks",
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_work_tasks_project_priority",
        table_name="work_tasks",
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_work_tasks_project_due",
        table_name="work_tasks",
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index(
        "ix_work_tasks_project_created",
        table_name="work_tasks",
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_index("ix_work_tasks_parent", table_name="work_tasks")
    op.drop_index(
        "ix_work_tasks_org_created",
        table_name="work_tasks",
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_table("work_tasks")
    op.drop_index("ix_work_projects_org_created", table_name="work_projects")
    op.drop_table("work_projects")
    op.drop_index("ix_work_labels_org_name", table_name="work_labels")
    op.drop_index("ix_work_labels_org_created", table_name="work_labels")
    op.drop_table("work_labels")


def _create_search() -> None:
    """Full-text search over title and description, each database its own way."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE work_tasks ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, ''))) "
            "STORED"
        )
        op.execute("CREATE INDEX ix_work_tasks_search ON work_tasks USING gin (search)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE work_tasks_fts USING fts5("
        "task_id UNINDEXED, title, description, tokenize = 'unicode61')"
    )
    op.execute(
        "CREATE TRIGGER work_tasks_fts_insert AFTER INSERT ON work_tasks BEGIN "
        "INSERT INTO work_tasks_fts (task_id, title, description) "
        "VALUES (new.id, new.title, new.description); END"
    )
    op.execute(
        "CREATE TRIGGER work_tasks_fts_update AFTER UPDATE OF title, description ON work_tasks "
        "BEGIN DELETE FROM work_tasks_fts WHERE task_id = old.id; "
        "INSERT INTO work_tasks_fts (task_id, title, description) "
        "VALUES (new.id, new.title, new.description); END"
    )
    op.execute(
        "CREATE TRIGGER work_tasks_fts_delete AFTER DELETE ON work_tasks BEGIN "
        "DELETE FROM work_tasks_fts WHERE task_id = old.id; END"
    )


def _drop_search() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_work_tasks_search")
        op.execute("ALTER TABLE work_tasks DROP COLUMN IF EXISTS search")
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS work_tasks_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS work_tasks_fts")
