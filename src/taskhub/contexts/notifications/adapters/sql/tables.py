"""Notifications' tables, on their own MetaData, keyed tenant first (ADR 0022).

Tasks and users belong to other contexts, so `task_id` and `user_id` are plain ids. Two
reads cross organizations on purpose, each on an index of its own: a user's inbox
(`/users/me/notifications` spans every organization the user is in) and the scheduled
scans for tasks falling due and for emails to gather (ADR 0030).
"""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, new_metadata

metadata = new_metadata()

watchers = sa.Table(
    "notifications_watchers",
    metadata,
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("task_id", sa.Uuid, nullable=False),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("since", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("org_id", "task_id", "user_id"),
    # A task's list, by when each started watching.
    sa.Index("ix_notifications_watchers_task_since", "org_id", "task_id", "since", "user_id"),
    # A member leaving: every watch of theirs in the organization.
    sa.Index("ix_notifications_watchers_user", "org_id", "user_id"),
)

# What notifications remembers of each task it heard of (see domain.watched_task).
tasks = sa.Table(
    "notifications_tasks",
    metadata,
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("key", sa.String(32), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("due_at", UtcDateTime),
    sa.Column("assignee_ids", sa.JSON, nullable=False),
    sa.Column("created_by", sa.Uuid, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    sa.Column("due_soon_sent_for", UtcDateTime),
    sa.PrimaryKeyConstraint("org_id", "id"),
    # The due_soon job's scan across organizations.
    sa.Index("ix_notifications_tasks_due", "due_at"),
)

notifications = sa.Table(
    "notifications_notifications",
    metadata,
    sa.Column("org_id", sa.Uuid, nullable=False),
    sa.Column("id", sa.Uuid, nullable=False),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("reason", sa.String(20), nullable=False),
    # None for what is about no task (`invited`).
    sa.Column("task_id", sa.Uuid),
    sa.Column("actor_id", sa.Uuid),
    sa.Column("summary", sa.String(300), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("read_at", UtcDateTime),
    sa.Column("in_app", sa.Boolean, nullable=False),
    sa.Column("email_pending", sa.Boolean, nullable=False),
    sa.PrimaryKeyConstraint("org_id", "id"),
    # The inbox: a user's, newest first, across organizations.
    sa.Index("ix_notifications_notifications_inbox", "user_id", "created_at", "id"),
    # A member leaving: everything of theirs in the organization.
    sa.Index("ix_notifications_notifications_member", "org_id", "user_id"),
    # The email job: who has something waiting.
    sa.Index("ix_notifications_notifications_email", "email_pending", "user_id"),
)

# One row per user who chose settings or was emailed: a person's, in no organization.
recipients = sa.Table(
    "notifications_recipients",
    metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("last_emailed_at", UtcDateTime),
)
