"""tenant-first keys: org-scoped tables keyed (org_id, id), references carry org_id

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 09:00:00.000000

Every org-scoped table gets the primary key `(org_id, id)` (link tables: `org_id` then
their pair), every foreign key between them `(org_id, x)` onto `(org_id, id)`, every
unique constraint `org_id` first. Link tables gain `org_id`, copied from the row they
hang off. Nothing is deleted or rewritten but the new column (ADR 0022).

PostgreSQL alters in place: references are dropped first, keys changed, references
made again. SQLite rebuilds each table once (`batch_alter_table`); the migration runner
turns its foreign keys off around migrations, so dropping a parent does not cascade,
and checks them all before committing. The rebuild drops `work_tasks`' full-text
triggers, so they are made again.
"""

from collections.abc import Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CASCADE = "CASCADE"


class _Reference(NamedTuple):
    name: str
    column: str
    parent: str
    ondelete: str | None


class _Unique(NamedTuple):
    old_name: str
    old: list[str]
    new_name: str
    new: list[str]


class _Table(NamedTuple):
    name: str
    old_key: list[str]
    new_key: list[str]
    references: Sequence[_Reference] = ()
    uniques: Sequence[_Unique] = ()
    # The row this link hangs off, for a link table that gains org_id: (column, parent).
    link_of: tuple[str, str] | None = None


# Parents before children.
_TABLES = [
    _Table("work_projects", ["id"], ["org_id", "id"]),
    _Table(
        "work_tasks",
        ["id"],
        ["org_id", "id"],
        references=[
            _Reference(
                "fk_work_tasks_project_id_work_projects", "project_id", "work_projects", None
            )
        ],
        uniques=[
            _Unique(
                "uq_work_tasks_project_id_number",
                ["project_id", "number"],
                "uq_work_tasks_org_id_project_id_number",
                ["org_id", "project_id", "number"],
            )
        ],
    ),
    _Table("work_labels", ["id"], ["org_id", "id"]),
    _Table(
        "work_comments",
        ["id"],
        ["org_id", "id"],
        references=[
            _Reference("fk_work_comments_task_id_work_tasks", "task_id", "work_tasks", _CASCADE)
        ],
    ),
    _Table(
        "work_task_assignees",
        ["task_id", "user_id"],
        ["org_id", "task_id", "user_id"],
        references=[
            _Reference(
                "fk_work_task_assignees_task_id_work_tasks", "task_id", "work_tasks", _CASCADE
            )
        ],
        link_of=("task_id", "work_tasks"),
    ),
    _Table(
        "work_task_labels",
        ["task_id", "label_id"],
        ["org_id", "task_id", "label_id"],
        references=[
            _Reference("fk_work_task_labels_task_id_work_tasks", "task_id", "work_tasks", _CASCADE)
        ],
        link_of=("task_id", "work_tasks"),
    ),
    _Table(
        "work_task_dependencies",
        ["task_id", "depends_on_id"],
        ["org_id", "task_id", "depends_on_id"],
        references=[
            _Reference(
                "fk_work_task_dependencies_task_id_work_tasks", "task_id", "work_tasks", _CASCADE
            ),
            _Reference(
                "fk_work_task_dependencies_depends_on_id_work_tasks",
                "depends_on_id",
                "work_tasks",
                _CASCADE,
            ),
        ],
        link_of=("task_id", "work_tasks"),
    ),
    _Table("tenancy_teams", ["id"], ["org_id", "id"]),
    _Table(
        "tenancy_team_members",
        ["team_id", "user_id"],
        ["org_id", "team_id", "user_id"],
        references=[
            _Reference(
                "fk_tenancy_team_members_team_id_tenancy_teams",
                "team_id",
                "tenancy_teams",
                _CASCADE,
            )
        ],
        link_of=("team_id", "tenancy_teams"),
    ),
    _Table("integrations_webhooks", ["id"], ["org_id", "id"]),
    _Table(
        "integrations_deliveries",
        ["id"],
        ["org_id", "id"],
        references=[
            _Reference(
                "fk_integrations_deliveries_webhook_id_integrations_webhooks",
                "webhook_id",
                "integrations_webhooks",
                _CASCADE,
            )
        ],
        uniques=[
            _Unique(
                "uq_integrations_deliveries_webhook_id_event_id",
                ["webhook_id", "event_id"],
                "uq_integrations_deliveries_org_id_webhook_id_event_id",
                ["org_id", "webhook_id", "event_id"],
            )
        ],
    ),
    _Table(
        "identity_api_keys",
        ["id"],
        ["org_id", "id"],
        uniques=[
            _Unique(
                "uq_identity_api_keys_key_hash",
                ["key_hash"],
                "uq_identity_api_keys_org_id_key_hash",
                ["org_id", "key_hash"],
            )
        ],
    ),
]


class _Index(NamedTuple):
    name: str
    table: str
    old: list[str] | None  # None: the index is new
    new: list[str]


_INDEXES = [
    _Index("ix_work_tasks_parent", "work_tasks", ["parent_id"], ["org_id", "parent_id"]),
    _Index(
        "ix_work_task_assignees_user",
        "work_task_assignees",
        ["user_id", "task_id"],
        ["org_id", "user_id", "task_id"],
    ),
    _Index(
        "ix_work_task_labels_label",
        "work_task_labels",
        ["label_id", "task_id"],
        ["org_id", "label_id", "task_id"],
    ),
    _Index(
        "ix_work_task_dependencies_depends_on",
        "work_task_dependencies",
        ["depends_on_id"],
        ["org_id", "depends_on_id"],
    ),
    _Index(
        "ix_work_comments_task_created",
        "work_comments",
        ["task_id", "created_at", "id"],
        ["org_id", "task_id", "created_at", "id"],
    ),
    _Index(
        "ix_tenancy_team_members_team_added",
        "tenancy_team_members",
        ["team_id", "added_at", "user_id"],
        ["org_id", "team_id", "added_at", "user_id"],
    ),
    _Index(
        "ix_integrations_deliveries_order",
        "integrations_deliveries",
        ["webhook_id", "ordering_key", "position"],
        ["org_id", "webhook_id", "ordering_key", "position"],
    ),
    _Index(
        "ix_integrations_deliveries_log",
        "integrations_deliveries",
        ["webhook_id", "created_at", "id"],
        ["org_id", "webhook_id", "created_at", "id"],
    ),
    _Index("ix_identity_api_keys_key_hash", "identity_api_keys", None, ["key_hash"]),
]

# As migration 0006 made them: a rebuilt `work_tasks` loses its triggers.
_SEARCH_TRIGGERS = (
    "CREATE TRIGGER work_tasks_fts_insert AFTER INSERT ON work_tasks BEGIN "
    "INSERT INTO work_tasks_fts (task_id, title, description) "
    "VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER work_tasks_fts_update AFTER UPDATE OF title, description ON work_tasks "
    "BEGIN DELETE FROM work_tasks_fts WHERE task_id = old.id; "
    "INSERT INTO work_tasks_fts (task_id, title, description) "
    "VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER work_tasks_fts_delete AFTER DELETE ON work_tasks BEGIN "
    "DELETE FROM work_tasks_fts WHERE task_id = old.id; END",
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _copy_org_ids() -> None:
    """Link tables gain org_id, copied from the row each link hangs off."""
    for table in _TABLES:
        if table.link_of is None:
            continue
        column, parent = table.link_of
        op.add_column(table.name, sa.Column("org_id", sa.Uuid(), nullable=True))
        op.execute(
            f"UPDATE {table.name} SET org_id = "  # noqa: S608 - names are constants above
            f"(SELECT p.org_id FROM {parent} p WHERE p.id = {table.name}.{column})"
        )


class _Keys:
    """One table's key changes, applied through `op` (PostgreSQL) or a batch (SQLite)."""

    def __init__(self, table: _Table, *, upgrading: bool, batch: Any = None) -> None:
        self.table = table
        self.upgrading = upgrading
        self.batch = batch

    def _drop(self, name: str, type_: str) -> None:
        if self.batch is not None:
            self.batch.drop_constraint(name, type_=type_)
        else:
            op.drop_constraint(name, self.table.name, type_=type_)

    def drop_references(self) -> None:
        for reference in self.table.references:
            self._drop(reference.name, "foreignkey")

    def rekey(self) -> None:
        table, upgrading = self.table, self.upgrading
        target = self.batch if self.batch is not None else op
        prefix = [] if self.batch is not None else [table.name]
        for unique in table.uniques:
            self._drop(unique.old_name if upgrading else unique.new_name, "unique")
        self._drop(f"pk_{table.name}", "primary")
        if table.link_of is not None and upgrading:
            target.alter_column(*prefix, "org_id", existing_type=sa.Uuid(), nullable=False)
        key = table.new_key if upgrading else table.old_key
        target.create_primary_key(f"pk_{table.name}", *prefix, key)
        for unique in table.uniques:
            name, columns = (
                (unique.new_name, unique.new) if upgrading else (unique.old_name, unique.old)
            )
            target.create_unique_constraint(name, *prefix, columns)

    def add_references(self) -> None:
        target = self.batch if self.batch is not None else op
        prefix = [] if self.batch is not None else [self.table.name]
        for reference in self.table.references:
            local, remote = [reference.column], ["id"]
            if self.upgrading:
                local, remote = ["org_id", *local], ["org_id", *remote]
            target.create_foreign_key(
                reference.name,
                *prefix,
                reference.parent,
                local,
                remote,
                ondelete=reference.ondelete,
            )

    def drop_link_org_id(self) -> None:
        if self.table.link_of is None:
            return
        if self.batch is not None:
            self.batch.drop_column("org_id")
        else:
            op.drop_column(self.table.name, "org_id")


def _rekey_all(*, upgrading: bool) -> None:
    tables = _TABLES if upgrading else list(reversed(_TABLES))
    if _sqlite():
        for table in tables:
            with op.batch_alter_table(table.name, recreate="always") as batch:
                keys = _Keys(table, upgrading=upgrading, batch=batch)
                keys.drop_references()
                keys.rekey()
                if not upgrading:
                    keys.drop_link_org_id()
                keys.add_references()
        for trigger in _SEARCH_TRIGGERS:
            op.execute(trigger)
        return
    every = [_Keys(table, upgrading=upgrading) for table in tables]
    for keys in every:
        keys.drop_references()
    for keys in every:
        keys.rekey()
        if not upgrading:
            keys.drop_link_org_id()
    for keys in every:
        keys.add_references()


def _drop_indexes(*, upgrading: bool) -> None:
    for index in _INDEXES:
        if (index.old if upgrading else index.new) is not None:
            op.drop_index(index.name, table_name=index.table)


def _create_indexes(*, upgrading: bool) -> None:
    for index in _INDEXES:
        columns = index.new if upgrading else index.old
        if columns is not None:
            op.create_index(index.name, index.table, columns)


def upgrade() -> None:
    _copy_org_ids()
    _drop_indexes(upgrading=True)
    _rekey_all(upgrading=True)
    _create_indexes(upgrading=True)


def downgrade() -> None:
    _drop_indexes(upgrading=False)
    _rekey_all(upgrading=False)
    _create_indexes(upgrading=False)
