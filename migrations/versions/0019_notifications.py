"""notifications: watchers, remembered task state, notifications, recipients; the actor
of each outbox event

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28 09:00:00.000000

New tables keyed tenant first (ADR 0022), except the recipients' (a person's settings,
in no organization), and one nullable column on the outbox: the user whose change an
event records, for subscribers (ADR 0030).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("platform_outbox", sa.Column("actor_id", sa.Uuid(), nullable=True))
    op.create_table(
        "notifications_watchers",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("since", _TIME, nullable=False),
        sa.PrimaryKeyConstraint(
            "org_id", "task_id", "user_id", name=op.f("pk_notifications_watchers")
        ),
    )
    op.create_index(
        "ix_notifications_watchers_task_since",
        "notifications_watchers",
        ["org_id", "task_id", "since", "user_id"],
    )
    op.create_index(
        "ix_notifications_watchers_user", "notifications_watchers", ["org_id", "user_id"]
    )
    op.create_table(
        "notifications_tasks",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", _TIME, nullable=True),
        sa.Column("assignee_ids", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("due_soon_sent_for", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_notifications_tasks")),
    )
    op.create_index("ix_notifications_tasks_due", "notifications_tasks", ["due_at"])
    op.create_table(
        "notifications_notifications",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("read_at", _TIME, nullable=True),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("email_pending", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_notifications_notifications")),
    )
    op.create_index(
        "ix_notifications_notifications_inbox",
        "notifications_notifications",
        ["user_id", "created_at", "id"],
    )
    op.create_index(
        "ix_notifications_notifications_member",
        "notifications_notifications",
        ["org_id", "user_id"],
    )
    op.create_index(
        "ix_notifications_notifications_email",
        "notifications_notifications",
        ["email_pending", "user_id"],
    )
    op.create_table(
        "notifications_recipients",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("last_emailed_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notifications_recipients")),
    )


def downgrade() -> None:
    op.drop_table("notifications_recipients")
    op.drop_table("notifications_notifications")
    op.drop_table("notifications_tasks")
    op.drop_table("notifications_watchers")
    with op.batch_alter_table("platform_outbox") as batch:
        batch.drop_column("actor_id")
