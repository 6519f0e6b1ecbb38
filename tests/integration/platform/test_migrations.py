"""Alembic migrations: up, down and up again on SQLite and PostgreSQL, matching the models."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from taskhub.bootstrap import all_metadata, is_dialect_specific
from taskhub.contexts.work.adapters.sql.tables import labels, projects, tasks
from taskhub.platform.database import create_database_engine
from taskhub.platform.migrations import downgrade, pending_revisions, upgrade
from tests.conftest import service_unavailable
from tests.integration.conftest import ensure_postgres_database, run_scoped_postgres_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        engine = create_database_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
    else:
        url = run_scoped_postgres_url("_migrations")
        try:
            ensure_postgres_database(url)
        except sa.exc.OperationalError as exc:
            service_unavailable("PostgreSQL", exc.orig)
        engine = create_database_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    yield engine
    engine.dispose()


def tables(engine: Engine) -> set[str]:
    names = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if not is_dialect_specific("table", name, None)}


# Tables later revisions create: 0013 had no rows of theirs to keep.
TABLES_SINCE_0013 = {
    "identity_email_tokens",
    "platform_mail_outbox",
    "attachments_attachments",
    "attachments_uploads",
    "attachments_usage",
    "tenancy_invitations",
    "work_states",
    "work_cycles",
    "work_milestones",
    "notifications_watchers",
    "notifications_tasks",
    "notifications_notifications",
    "notifications_recipients",
    "realtime_tickets",
}


def model_tables() -> set[str]:
    return {t.name for metadata in all_metadata() for t in metadata.sorted_tables}


def schema_differences(engine: Engine) -> list[object]:
    combined = sa.MetaData()
    for metadata in all_metadata():
        for table in metadata.sorted_tables:
            table.to_metadata(combined)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, reflected, _other: (
                    not (
                        reflected
                        and is_dialect_specific(
                            type_, name, getattr(getattr(obj, "table", None), "name", None)
                        )
                    )
                ),
            },
        )
        return list(compare_metadata(context, combined))


def test_upgrade_creates_exactly_the_modelled_schema(blank_engine: Engine) -> None:
    assert pending_revisions(blank_engine)
    upgrade(blank_engine)
    assert pending_revisions(blank_engine) == []
    assert tables(blank_engine) == model_tables()
    assert schema_differences(blank_engine) == []


def test_downgrade_removes_everything_and_upgrade_works_again(blank_engine: Engine) -> None:
    upgrade(blank_engine)
    downgrade(blank_engine, "base")
    assert tables(blank_engine) == set()
    upgrade(blank_engine)
    assert tables(blank_engine) == model_tables()


def test_progress_is_reported_per_revision(blank_engine: Engine) -> None:
    pending = pending_revisions(blank_engine)
    messages: list[str] = []
    upgrade(blank_engine, progress=messages.append)
    assert messages == [f"applied {revision}" for revision in pending]


def test_tasks_written_before_0009_get_copies_of_their_sets(blank_engine: Engine) -> None:
    upgrade(blank_engine, "0008")
    now = datetime(2026, 11, 23, tzinfo=UTC)
    org, project = uuid.uuid4(), uuid.uuid4()
    busy, idle = uuid.uuid4(), uuid.uuid4()
    people = sorted(uuid.uuid4() for _ in range(3))
    labels = sorted(uuid.uuid4() for _ in range(2))
    common = {"created_at": now, "updated_at": now, "version": 1}
    with blank_engine.begin() as connection:
        connection.execute(
            projects.insert().values(
                id=project,
                org_id=org,
                key="ENG",
                name="Eng",
                description="",
                status="active",
                next_number=2,
                **common,
            )
        )
        for number, task_id in enumerate((busy, idle), start=1):
            connection.execute(
                tasks.insert().values(
                    id=task_id,
                    org_id=org,
                    project_id=project,
                    number=number,
                    title="t",
                    description="",
                    status="todo",
                    priority="none",
                    priority_rank=0,
                    created_by=people[0],
                    **common,
                )
            )
        # The link tables as they were then, before they carried org_id (0013).
        assignees_then = sa.table(
            "work_task_assignees", sa.column("task_id", sa.Uuid), sa.column("user_id", sa.Uuid)
        )
        labels_then = sa.table(
            "work_task_labels", sa.column("task_id", sa.Uuid), sa.column("label_id", sa.Uuid)
        )
        connection.execute(
            assignees_then.insert(), [{"task_id": busy, "user_id": p} for p in reversed(people)]
        )
        connection.execute(
            labels_then.insert(), [{"task_id": busy, "label_id": lid} for lid in reversed(labels)]
        )

    upgrade(blank_engine)

    with blank_engine.connect() as connection:
        rows = {
            row.id: (row.assignee_ids, row.label_ids)
            for row in connection.execute(
                sa.select(tasks.c.id, tasks.c.assignee_ids, tasks.c.label_ids)
            )
        }
    assert rows == {busy: (people, labels), idle: ([], [])}


def test_label_names_doubled_before_0012_are_renamed_not_lost(blank_engine: Engine) -> None:
    upgrade(blank_engine, "0011")
    org = uuid.uuid4()
    ids = [uuid.uuid4() for _ in range(3)]
    rows = [
        {
            "id": label_id,
            "org_id": org,
            "name": name,
            "name_canonical": name.lower(),
            "color": "#ff0000",
            "created_at": datetime(2026, 11, 23, minute=minute, tzinfo=UTC),
            "updated_at": datetime(2026, 11, 23, tzinfo=UTC),
            "version": 1,
        }
        for minute, (label_id, name) in enumerate(zip(ids, ["Bug", "BUG", "bug (2)"], strict=True))
    ]
    with blank_engine.begin() as connection:
        connection.execute(labels.insert(), rows)

    upgrade(blank_engine)

    with blank_engine.connect() as connection:
        names = dict(connection.execute(sa.select(labels.c.id, labels.c.name)).all())
    assert [names[label_id] for label_id in ids] == ["Bug", "BUG (3)", "bug (2)"]


def _typed(value: object) -> sa.types.TypeEngine[object]:
    types: list[tuple[type, sa.types.TypeEngine[object]]] = [
        (bool, sa.Boolean()),
        (int, sa.BigInteger()),
        (uuid.UUID, sa.Uuid()),
        (datetime, sa.DateTime()),
        (str, sa.Text()),
        (bytes, sa.LargeBinary()),
        (dict, sa.JSON()),
        (list, sa.JSON()),
    ]
    return next((t for kind, t in types if isinstance(value, kind)), sa.types.NullType())


def _rows_at_0012() -> dict[str, list[dict[str, object]]]:
    """A row or more in every table, written as the schema stood at 0012."""
    at = datetime(2026, 11, 24, 9, 0)
    orgs = [uuid.uuid4(), uuid.uuid4()]
    user, session = uuid.uuid4(), uuid.uuid4()
    rows: dict[str, list[dict[str, object]]] = {
        "identity_users": [
            {
                "id": user,
                "email": "a@example.com",
                "email_canonical": "a@example.com",
                "name": "A",
                "password_hash": "h",
                "is_active": True,
                "created_at": at,
                "updated_at": at,
            }
        ],
        "identity_sessions": [
            {
                "id": session,
                "user_id": user,
                "created_at": at,
                "last_used_at": at,
                "ip": "127.0.0.1",
                "user_agent": "t",
                "revoked_at": None,
                "revoke_reason": None,
            }
        ],
        "identity_refresh_tokens": [
            {
                "id": uuid.uuid4(),
                "session_id": session,
                "token_hash": "r" * 64,
                "issued_at": at,
                "expires_at": at,
                "rotated_at": None,
            }
        ],
        "audit_chain_heads": [{"chain_key": f"org:{orgs[0]}", "seq": 1, "hash": "h" * 64}],
        "audit_entries": [
            {
                "id": uuid.uuid4(),
                "chain_key": f"org:{orgs[0]}",
                "seq": 1,
                "occurred_at": at,
                "actor_type": "user",
                "actor_id": user,
                "action": "project.created",
                "entity_type": "project",
                "entity_id": uuid.uuid4(),
                "changes": {"a": [None, 1]},
                "ip": None,
                "user_agent": None,
                "request_id": "r",
                "prev_hash": "0" * 64,
                "hash": "h" * 64,
                "key_id": "k",
            }
        ],
        "platform_outbox": [
            {
                "position": 1,
                "event_id": uuid.uuid4(),
                "event_type": "task.created",
                "org_id": orgs[0],
                "ordering_key": "task:1",
                "occurred_at": at,
                "payload": {"id": 1},
                "published_at": None,
            }
        ],
        "platform_consumed_events": [
            {"subscriber": "s", "event_id": uuid.uuid4(), "consumed_at": at}
        ],
        "platform_idempotency_keys": [
            {
                "principal": f"user:{user}",
                "idempotency_key": "k",
                "claim_id": uuid.uuid4(),
                "fingerprint": "f",
                "state": "done",
                "created_at": at,
                "expires_at": at,
                "response_status": 201,
                "response_headers": {"a": "b"},
                "response_body": b"{}",
            }
        ],
    }
    for name in (
        "tenancy_organizations",
        "tenancy_memberships",
        "tenancy_teams",
        "tenancy_team_members",
        "identity_api_keys",
        "work_projects",
        "work_tasks",
        "work_labels",
        "work_comments",
        "work_task_assignees",
        "work_task_labels",
        "work_task_dependencies",
        "integrations_webhooks",
        "integrations_deliveries",
    ):
        rows[name] = []
    for n, org in enumerate(orgs):
        team, project, label, webhook = (uuid.uuid4() for _ in range(4))
        task_ids = [uuid.uuid4(), uuid.uuid4()]
        common = {"created_at": at, "updated_at": at, "version": 1, "deleted_at": None}
        rows["tenancy_organizations"].append(
            {"id": org, "name": "O", "slug": f"o{n}", "plan": "free", **common}
        )
        rows["tenancy_memberships"].append(
            {"org_id": org, "user_id": user, "role": "owner", "joined_at": at}
        )
        rows["tenancy_teams"].append(
            {
                "id": team,
                "org_id": org,
                "name": "T",
                "name_canonical": "t",
                "description": "",
                **common,
            }
        )
        rows["tenancy_team_members"].append(
            {"team_id": team, "user_id": user, "role": "lead", "added_at": at}
        )
        rows["identity_api_keys"].append(
            {
                "id": uuid.uuid4(),
                "org_id": org,
                "name": "K",
                "role": "admin",
                "prefix": "thk_x",
                "key_hash": f"{n}" * 64,
                "created_by": user,
                "created_at": at,
                "expires_at": None,
                "revoked_at": None,
            }
        )
        rows["work_projects"].append(
            {
                "id": project,
                "org_id": org,
                "key": "ENG",
                "name": "E",
                "description": "",
                "status": "active",
                "next_number": 2,
                **common,
            }
        )
        rows["work_tasks"] += [
            {
                "id": task_id,
                "org_id": org,
                "project_id": project,
                "number": number,
                "title": f"task {number}",
                "description": "",
                "status": "todo",
                "priority": "none",
                "priority_rank": 0,
                "due_at": None,
                "parent_id": None,
                "created_by": user,
                **common,
            }
            for number, task_id in enumerate(task_ids, start=1)
        ]
        rows["work_labels"].append(
            {
                "id": label,
                "org_id": org,
                "name": "L",
                "name_canonical": "l",
                "color": "#ff0000",
                **common,
            }
        )
        rows["work_comments"].append(
            {
                "id": uuid.uuid4(),
                "org_id": org,
                "task_id": task_ids[0],
                "author_id": user,
                "body": "b",
                **common,
            }
        )
        rows["work_task_assignees"].append({"task_id": task_ids[0], "user_id": user})
        rows["work_task_labels"].append({"task_id": task_ids[0], "label_id": label})
        rows["work_task_dependencies"].append(
            {"task_id": task_ids[1], "depends_on_id": task_ids[0], "created_at": at}
        )
        rows["integrations_webhooks"].append(
            {
                "id": webhook,
                "org_id": org,
                "url": "https://example.com/h",
                "events": ["*"],
                "description": "",
                "active": True,
                "secret": "s",
                "previous_secret": None,
                "previous_secret_expires_at": None,
                "failing_since": None,
                "events_after": 0,
                "created_at": at,
                "updated_at": at,
                "version": 1,
                "deleted_at": None,
            }
        )
        rows["integrations_deliveries"].append(
            {
                "id": uuid.uuid4(),
                "webhook_id": webhook,
                "org_id": org,
                "event_id": uuid.uuid4(),
                "event_type": "task.created",
                "ordering_key": "task:1",
                "position": 1,
                "payload": {"a": 1},
                "status": "pending",
                "attempts": 0,
                "response_status": None,
                "duration_ms": None,
                "next_attempt_at": at,
                "leased_until": None,
                "last_error": None,
                "created_at": at,
                "updated_at": at,
            }
        )
    return rows


def _table_of(name: str, sample: dict[str, object]) -> sa.TableClause:
    return sa.table(name, *(sa.column(key, _typed(value)) for key, value in sample.items()))


def _read(engine: Engine, rows: dict[str, list[dict[str, object]]]) -> dict[str, list[object]]:
    """Every table's rows, in the columns written at 0012, in a stable order."""
    with engine.connect() as connection:
        return {
            name: sorted(connection.execute(sa.select(_table_of(name, written[0]))).all(), key=repr)
            for name, written in rows.items()
        }


def _schema_objects(engine: Engine) -> set[tuple[str, str]]:
    """Triggers (and on SQLite the search table): a table rebuild must not lose them."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            found = connection.execute(
                sa.text("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'table')")
            )
        else:
            found = connection.execute(
                sa.text("SELECT 'trigger', tgname FROM pg_trigger WHERE NOT tgisinternal")
            )
        return {(kind, name) for kind, name in found}


def test_0013_keys_every_table_tenant_first_and_keeps_every_row(blank_engine: Engine) -> None:
    upgrade(blank_engine, "0012")
    rows = _rows_at_0012()
    with blank_engine.begin() as connection:
        for name, written in rows.items():
            connection.execute(_table_of(name, written[0]).insert(), written)
    before = _read(blank_engine, rows)
    objects = _schema_objects(blank_engine)
    assert set(rows) | {"platform_deployment"} == model_tables() - TABLES_SINCE_0013

    upgrade(blank_engine)

    assert _read(blank_engine, rows) == before
    assert _schema_objects(blank_engine) >= {o for o in objects if o[0] == "trigger"}
    with blank_engine.connect() as connection:
        if blank_engine.dialect.name == "sqlite":
            assert connection.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        links = {
            "work_task_assignees": ("task_id", "work_tasks"),
            "work_task_labels": ("task_id", "work_tasks"),
            "work_task_dependencies": ("task_id", "work_tasks"),
            "tenancy_team_members": ("team_id", "tenancy_teams"),
        }
        for link, (column, parent) in links.items():
            mismatched = connection.execute(
                sa.text(
                    f"SELECT count(*) FROM {link} l JOIN {parent} p ON p.id = l.{column} "
                    "WHERE l.org_id IS NULL OR l.org_id <> p.org_id"
                )
            ).scalar_one()
            assert mismatched == 0, link
    assert schema_differences(blank_engine) == []
    # A reference into another organization is refused by the database itself now.
    other_org = rows["tenancy_organizations"][1]["id"]
    stray = {**rows["work_comments"][0], "id": uuid.uuid4(), "org_id": other_org}
    with pytest.raises(sa.exc.IntegrityError), blank_engine.begin() as connection:
        connection.execute(_table_of("work_comments", stray).insert(), [stray])

    downgrade(blank_engine, "0012")

    assert _read(blank_engine, rows) == before
    assert _schema_objects(blank_engine) == objects
    upgrade(blank_engine)
    assert _read(blank_engine, rows) == before
