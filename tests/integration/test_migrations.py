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
from taskhub.contexts.work.adapters.sql.tables import (
    labels,
    projects,
    task_assignees,
    task_labels,
    tasks,
)
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
        connection.execute(
            task_assignees.insert(), [{"task_id": busy, "user_id": p} for p in reversed(people)]
        )
        connection.execute(
            task_labels.insert(), [{"task_id": busy, "label_id": lid} for lid in reversed(labels)]
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
