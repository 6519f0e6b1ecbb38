"""planning: workflow states, board ranks, cycles, milestones, estimates and start dates

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 09:00:00.000000

Every existing project gets one state per category (named after it, in the statuses'
order), every existing task the state of its status and a rank in its project's
current order (by number, which follows creation). Ranks written here are
fractional-indexing keys with a four-digit base-62 integer part (`d` + digits of the
number), valid keys for the library the application generates them with.

On PostgreSQL, cycles of one project never overlap by an exclusion constraint over
their date ranges (`btree_gist` for the equality parts); ranks sort by byte value
(`COLLATE "C"`). SQLite rebuilds `work_tasks` once to add the references and NOT NULL
columns, and its full-text triggers are made again.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIVE = sa.text("deleted_at IS NULL")
_CATEGORIES = ("todo", "in_progress", "in_review", "done", "cancelled")
_NAMES = {
    "todo": "Todo",
    "in_progress": "In progress",
    "in_review": "In review",
    "done": "Done",
    "cancelled": "Cancelled",
}
_COLORS = {
    "todo": "#8b949e",
    "in_progress": "#1f6feb",
    "in_review": "#a371f7",
    "done": "#2da44e",
    "cancelled": "#6e7781",
}
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

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
_REFERENCES = (
    ("fk_work_tasks_state_id_work_states", "state_id", "work_states"),
    ("fk_work_tasks_cycle_id_work_cycles", "cycle_id", "work_cycles"),
    ("fk_work_tasks_milestone_id_work_milestones", "milestone_id", "work_milestones"),
)
_TASK_INDEXES = (
    ("ix_work_tasks_project_rank", ["org_id", "project_id", "rank", "id"], _LIVE),
    ("ix_work_tasks_org_rank", ["org_id", "rank", "id"], _LIVE),
    ("ix_work_tasks_cycle_created", ["org_id", "cycle_id", "created_at", "id"], _LIVE),
    ("ix_work_tasks_cycle_rank", ["org_id", "cycle_id", "rank", "id"], _LIVE),
    ("ix_work_tasks_milestone_created", ["org_id", "milestone_id", "created_at", "id"], _LIVE),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _rank_type() -> sa.types.TypeEngine[str]:
    return sa.String(length=64).with_variant(sa.String(length=64, collation="C"), "postgresql")


def _planned_table(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        *columns,
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f(f"pk_{name}")),
        sa.ForeignKeyConstraint(
            ["org_id", "project_id"],
            ["work_projects.org_id", "work_projects.id"],
            name=f"fk_{name}_project_id_work_projects",
        ),
    )


def _create_tables() -> None:
    _planned_table(
        "work_states",
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_work_states_project_position",
        "work_states",
        ["org_id", "project_id", "position", "id"],
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    )
    _planned_table(
        "work_cycles",
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_work_cycles_project_starts",
        "work_cycles",
        ["org_id", "project_id", "starts_on", "id"],
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    )
    _planned_table(
        "work_milestones",
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
    )
    op.create_index(
        "ix_work_milestones_project_created",
        "work_milestones",
        ["org_id", "project_id", "created_at", "id"],
        postgresql_where=_LIVE,
        sqlite_where=_LIVE,
    )
    if not _sqlite():
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE work_cycles ADD CONSTRAINT ex_work_cycles_no_overlap EXCLUDE USING gist "
            "(org_id WITH =, project_id WITH =, daterange(starts_on, ends_on, '[]') WITH &&) "
            "WHERE (deleted_at IS NULL)"
        )


def _default_states() -> None:
    """One state per category for every project, live or deleted."""
    connection = op.get_bind()
    states = sa.table(
        "work_states",
        sa.column("id", sa.Uuid()),
        sa.column("org_id", sa.Uuid()),
        sa.column("project_id", sa.Uuid()),
        *(sa.column(name) for name in ("name", "category", "color", "position", "version")),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    work_projects = sa.table(
        "work_projects", sa.column("org_id", sa.Uuid()), sa.column("id", sa.Uuid())
    )
    projects = connection.execute(sa.select(work_projects.c.org_id, work_projects.c.id)).all()
    rows = [
        {
            "id": uuid.uuid4(),
            "org_id": org_id,
            "project_id": project_id,
            "name": _NAMES[category],
            "category": category,
            "color": _COLORS[category],
            "position": position,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for org_id, project_id in projects
        for position, category in enumerate(_CATEGORIES)
    ]
    if rows:
        connection.execute(states.insert(), rows)


def _rank_expression() -> str:
    """`d` and the task's number in four base-62 digits: ordered as the numbers are."""
    digits = [
        f"substr('{_BASE62}', ((number / {62**power}) % 62) + 1, 1)" for power in (3, 2, 1, 0)
    ]
    return " || ".join(["'d'", *digits])


def _fill_tasks() -> None:
    op.execute(
        "UPDATE work_tasks SET state_id = (SELECT s.id FROM work_states s "  # noqa: S608 - constants
        "WHERE s.org_id = work_tasks.org_id AND s.project_id = work_tasks.project_id "
        "AND s.category = work_tasks.status), "
        f"rank = {_rank_expression()}"
    )


def upgrade() -> None:
    _create_tables()
    for name in ("state_id", "cycle_id", "milestone_id"):
        op.add_column("work_tasks", sa.Column(name, sa.Uuid(), nullable=True))
    op.add_column("work_tasks", sa.Column("rank", _rank_type(), nullable=True))
    op.add_column("work_tasks", sa.Column("estimate", sa.Integer(), nullable=True))
    op.add_column("work_tasks", sa.Column("start_at", sa.DateTime(timezone=True), nullable=True))
    _default_states()
    _fill_tasks()
    if _sqlite():
        with op.batch_alter_table("work_tasks", recreate="always") as batch:
            _constrain_tasks(batch, [])
        for trigger in _SEARCH_TRIGGERS:
            op.execute(trigger)
    else:
        _constrain_tasks(op, ["work_tasks"])
    op.create_index(
        "uq_work_tasks_project_rank", "work_tasks", ["org_id", "project_id", "rank"], unique=True
    )
    for name, columns, where in _TASK_INDEXES:
        op.create_index(name, "work_tasks", columns, postgresql_where=where, sqlite_where=where)


def _constrain_tasks(target: object, prefix: list[str]) -> None:
    alter = getattr(target, "alter_column")  # noqa: B009 - op or a batch alike
    alter(*prefix, "state_id", existing_type=sa.Uuid(), nullable=False)
    alter(*prefix, "rank", existing_type=_rank_type(), nullable=False)
    for name, column, parent in _REFERENCES:
        getattr(target, "create_foreign_key")(  # noqa: B009
            name, *prefix, parent, ["org_id", column], ["org_id", "id"]
        )


def downgrade() -> None:
    for name, _columns, _where in _TASK_INDEXES:
        op.drop_index(name, table_name="work_tasks")
    op.drop_index("uq_work_tasks_project_rank", table_name="work_tasks")
    columns = ("state_id", "cycle_id", "milestone_id", "rank", "estimate", "start_at")
    if _sqlite():
        with op.batch_alter_table("work_tasks", recreate="always") as batch:
            for name, _column, _parent in _REFERENCES:
                batch.drop_constraint(name, type_="foreignkey")
            for column in columns:
                batch.drop_column(column)
        for trigger in _SEARCH_TRIGGERS:
            op.execute(trigger)
    else:
        for name, _column, _parent in _REFERENCES:
            op.drop_constraint(name, "work_tasks", type_="foreignkey")
        for column in columns:
            op.drop_column("work_tasks", column)
    op.drop_index("ix_work_milestones_project_created", table_name="work_milestones")
    op.drop_table("work_milestones")
    op.drop_index("ix_work_cycles_project_starts", table_name="work_cycles")
    op.drop_table("work_cycles")
    op.drop_index("ix_work_states_project_position", table_name="work_states")
    op.drop_table("work_states")
