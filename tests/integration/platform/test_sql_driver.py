"""A `DriverQuery` answers exactly what `Connection.execute` answers, on both databases,
and fails the way it fails."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.platform.sql_driver import DriverQuery
from taskhub.platform.sql_lists import member_of
from taskhub.platform.sql_types import UtcDateTime

metadata = sa.MetaData()
probe = sa.Table(
    "driver_query_probe",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("name", sa.String(40), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("rank", sa.Integer, nullable=True),
)
START = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


@pytest.fixture
def table(engine: Engine) -> Iterator[Engine]:
    yield from _filled(engine)


@pytest.fixture
def pg_table(migrated_postgres: Engine) -> Iterator[Engine]:
    yield from _filled(migrated_postgres)


def _filled(engine: Engine) -> Iterator[Engine]:
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            probe.insert(),
            [
                {
                    "id": uuid.UUID(int=i + 1),
                    "name": f"row {i}",
                    "status": ("todo", "doing", "done")[i % 3],
                    "at": START + timedelta(minutes=i),
                    "rank": None if i % 4 == 0 else i,
                }
                for i in range(12)
            ],
        )
    yield engine
    metadata.drop_all(engine)


def query_for(engine: Engine) -> sa.Select[tuple[uuid.UUID, str, datetime, int | None]]:
    return (
        sa.select(probe.c.id, probe.c.name, probe.c.at, probe.c.rank)
        .where(probe.c.at >= sa.bindparam("since", type_=UtcDateTime))
        .where(member_of(probe.c.status, "statuses", engine.dialect.name))
        .order_by(probe.c.at.desc())
        .limit(sa.bindparam("page_limit", type_=sa.Integer))
    )


def test_rows_are_what_execute_returns_with_values_adapted_both_ways(table: Engine) -> None:
    statement = query_for(table)
    query = DriverQuery(statement, table.dialect)
    values = {"since": START + timedelta(minutes=3), "statuses": ["todo", "done"], "page_limit": 5}
    with table.connect() as connection:
        expected = [tuple(row) for row in connection.execute(statement, values)]
        rows = query.rows(connection, values)
    assert rows == expected
    assert len(rows) == 5
    assert all(isinstance(row[0], uuid.UUID) and row[2].tzinfo is not None for row in rows)
    assert [row[3] for row in rows].count(None) == 1  # NULLs pass through untouched
    assert query.column_names == ("id", "name", "at", "rank")
    assert query.position(probe.c.at) == 2


def test_one_text_serves_lists_of_any_length(table: Engine) -> None:
    query = DriverQuery(query_for(table), table.dialect)
    with table.connect() as connection:
        counts = [
            len(query.rows(connection, {"since": START, "statuses": s, "page_limit": 50}))
            for s in ([], ["done"], ["todo", "doing", "done"])
        ]
    assert counts == [0, 4, 12]


def test_listeners_see_the_statement(table: Engine) -> None:
    query = DriverQuery(query_for(table), table.dialect)
    seen: list[str] = []

    def before(conn: object, cursor: object, statement: str, *rest: object) -> None:
        seen.append(statement)

    sa.event.listen(table, "before_cursor_execute", before)
    try:
        with table.connect() as connection:
            query.rows(connection, {"since": START, "statuses": ["todo"], "page_limit": 1})
    finally:
        sa.event.remove(table, "before_cursor_execute", before)
    assert len(seen) == 1
    assert "driver_query_probe" in seen[0]


def test_it_runs_inside_the_callers_transaction(table: Engine) -> None:
    query = DriverQuery(query_for(table), table.dialect)
    values = {"since": START, "statuses": ["todo", "doing", "done"], "page_limit": 50}
    with table.connect() as connection, connection.begin():
        connection.execute(probe.delete().where(probe.c.status == "done"))
        assert len(query.rows(connection, values)) == 8
        connection.rollback()
    with table.connect() as connection:
        assert len(query.rows(connection, values)) == 12


@pytest.mark.postgres
def test_driver_errors_are_sqlalchemy_errors(pg_table: Engine) -> None:
    broken = sa.select((probe.c.rank / sa.bindparam("zero", type_=sa.Integer)).label("x"))
    query = DriverQuery(broken, pg_table.dialect)
    with pg_table.connect() as connection, pytest.raises(sa.exc.DBAPIError) as raised:
        query.rows(connection, {"zero": 0})
    assert not raised.value.connection_invalidated


@pytest.mark.postgres
def test_a_lost_connection_is_invalidated_and_reported(pg_table: Engine) -> None:
    table = pg_table
    query = DriverQuery(query_for(table), table.dialect)
    values = {"since": START, "statuses": ["todo"], "page_limit": 1}
    with table.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with table.connect() as killer:
            killer.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(sa.exc.DBAPIError) as raised:
            query.rows(connection, values)
        assert raised.value.connection_invalidated
        assert connection.invalidated
    with table.connect() as connection:
        assert len(query.rows(connection, values)) == 1


def test_expanding_lists_are_refused(engine: Engine) -> None:
    statement = sa.select(probe.c.id).where(probe.c.status.in_(sa.bindparam("s", expanding=True)))
    with pytest.raises(ValueError, match="fixed text"):
        DriverQuery(statement, engine.dialect)


def prepared(connection: sa.Connection, name: str) -> tuple[int, int] | None:
    row = connection.execute(
        sa.text("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = :n"),
        {"n": name},
    ).first()
    return None if row is None else (row[0], row[1])


def test_a_generic_plan_changes_no_answer(table: Engine) -> None:
    statement = query_for(table)
    query = DriverQuery(statement, table.dialect, generic_plan=True)
    with table.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        for statuses, since, limit in ((["todo", "done"], 3, 5), ([], 0, 50), (["doing"], 0, 2)):
            values = {
                "since": START + timedelta(minutes=since),
                "statuses": statuses,
                "page_limit": limit,
            }
            expected = [tuple(row) for row in autocommit.execute(statement, values)]
            assert query.rows(autocommit, values) == expected


@pytest.mark.postgres
def test_a_generic_plan_is_made_once_and_the_setting_ends_with_the_statement(
    pg_table: Engine,
) -> None:
    query = DriverQuery(query_for(pg_table), pg_table.dialect, generic_plan=True)
    values = {"since": START, "statuses": ["todo", "done"], "page_limit": 3}
    with pg_table.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql("DEALLOCATE ALL")  # the pool may hand out a used session
        for _ in range(8):
            assert len(query.rows(autocommit, values)) == 3
        names = autocommit.execute(
            sa.text("SELECT name FROM pg_prepared_statements WHERE name LIKE 'taskhub_%'")
        ).scalars()
        (name,) = names
        assert prepared(autocommit, name) == (8, 0)
        assert autocommit.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "auto"


@pytest.mark.postgres
def test_inside_a_transaction_the_statement_runs_as_usual(pg_table: Engine) -> None:
    query = DriverQuery(query_for(pg_table), pg_table.dialect, generic_plan=True)
    values = {"since": START, "statuses": ["todo"], "page_limit": 50}
    with pg_table.connect() as connection, connection.begin():
        connection.exec_driver_sql("DEALLOCATE ALL")
        assert len(query.rows(connection, values)) == 4
        assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "auto"
        count = sa.text("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'taskhub_%'")
        assert connection.execute(count).scalar_one() == 0


@pytest.mark.postgres
def test_a_statement_the_server_forgot_is_prepared_again(pg_table: Engine) -> None:
    query = DriverQuery(query_for(pg_table), pg_table.dialect, generic_plan=True)
    values = {"since": START, "statuses": ["doing"], "page_limit": 50}
    with pg_table.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        assert len(query.rows(autocommit, values)) == 4
        autocommit.exec_driver_sql("DEALLOCATE ALL")
        assert len(query.rows(autocommit, values)) == 4


@pytest.mark.postgres
def test_a_failed_statement_leaves_the_session_as_it_was(pg_table: Engine) -> None:
    ratio = sa.select((probe.c.rank / sa.bindparam("by", type_=sa.Integer)).label("x")).where(
        probe.c.rank.is_not(None)
    )
    query = DriverQuery(ratio, pg_table.dialect, generic_plan=True)
    with pg_table.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        with pytest.raises(sa.exc.DBAPIError) as raised:
            query.rows(autocommit, {"by": 0})  # prepared, then failed while executing
        assert "division by zero" in str(raised.value)
        assert not raised.value.connection_invalidated
        assert autocommit.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "auto"
        assert sorted(row[0] for row in query.rows(autocommit, {"by": 1})) == [
            i for i in range(12) if i % 4
        ]
