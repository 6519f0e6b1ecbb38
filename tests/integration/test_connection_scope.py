"""Units of work inside one request share a connection, and still keep their own rules."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from taskhub.platform.connection_scope import connection_scope
from taskhub.platform.unit_of_work import SqlUnitOfWork

probe = sa.table("platform_probe", sa.column("n", sa.Integer))


def _with_probe(engine: Engine) -> Iterator[Engine]:
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS platform_probe"))
        connection.execute(sa.text("CREATE TABLE platform_probe (n INTEGER)"))
    yield engine
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE platform_probe"))


@pytest.fixture
def probe_engine(engine: Engine) -> Iterator[Engine]:
    yield from _with_probe(engine)


@pytest.fixture
def postgres_probe_engine(migrated_postgres: Engine) -> Iterator[Engine]:
    yield from _with_probe(migrated_postgres)


def _checkouts(engine: Engine) -> list[int]:
    seen: list[int] = []

    def on_checkout(dbapi_connection: object, _record: object, _proxy: object) -> None:
        seen.append(id(dbapi_connection))

    event.listen(engine, "checkout", on_checkout)
    return seen


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one())


def test_units_of_work_in_a_scope_take_one_checkout(probe_engine: Engine) -> None:
    checkouts = _checkouts(probe_engine)
    with connection_scope(probe_engine):
        for _ in range(3):
            with SqlUnitOfWork(probe_engine, read_only=True) as uow:
                uow.connection.execute(sa.select(probe))
        with SqlUnitOfWork(probe_engine) as uow:
            uow.connection.execute(probe.insert().values(n=1))
            uow.commit()
    assert len(checkouts) == 1
    assert _count(probe_engine) == 1


def test_outside_a_scope_each_unit_of_work_checks_out_its_own(probe_engine: Engine) -> None:
    checkouts = _checkouts(probe_engine)
    for _ in range(2):
        with SqlUnitOfWork(probe_engine, read_only=True) as uow:
            uow.connection.execute(sa.select(probe))
    assert len(checkouts) == 2


def test_a_nested_unit_of_work_gets_a_connection_of_its_own(probe_engine: Engine) -> None:
    with connection_scope(probe_engine):
        with SqlUnitOfWork(probe_engine, read_only=True) as outer:
            outer.connection.execute(sa.select(probe))
            with SqlUnitOfWork(probe_engine) as inner:
                assert inner.connection is not outer.connection
                inner.connection.execute(probe.insert().values(n=2))
                inner.commit()
            outer.connection.execute(sa.select(probe))
        with SqlUnitOfWork(probe_engine) as after:
            after.connection.execute(probe.insert().values(n=3))
            after.commit()
    assert _count(probe_engine) == 2


def test_a_write_after_a_read_on_the_shared_connection_is_still_all_or_nothing(
    probe_engine: Engine,
) -> None:
    with connection_scope(probe_engine):
        with SqlUnitOfWork(probe_engine, read_only=True) as reader:
            reader.connection.execute(sa.select(probe))
        with SqlUnitOfWork(probe_engine) as writer:
            writer.connection.execute(probe.insert().values(n=1))
            writer.connection.execute(probe.insert().values(n=2))
            # no commit: both inserts must vanish
        with SqlUnitOfWork(probe_engine) as writer:
            writer.connection.execute(probe.insert().values(n=3))
            writer.commit()
    assert _count(probe_engine) == 1


def test_a_failed_write_leaves_the_shared_connection_usable(probe_engine: Engine) -> None:
    with connection_scope(probe_engine):
        with pytest.raises(sa.exc.DBAPIError), SqlUnitOfWork(probe_engine) as writer:
            writer.connection.execute(sa.text("SELECT * FROM no_such_table"))
        with SqlUnitOfWork(probe_engine) as writer:
            writer.connection.execute(probe.insert().values(n=1))
            writer.commit()
    assert _count(probe_engine) == 1


def test_a_read_only_unit_of_work_cannot_commit(probe_engine: Engine) -> None:
    with SqlUnitOfWork(probe_engine, read_only=True) as uow, pytest.raises(RuntimeError):
        uow.commit()


@pytest.mark.postgres
def test_reads_on_postgresql_send_no_begin_or_rollback(postgres_probe_engine: Engine) -> None:
    probe_engine = postgres_probe_engine
    with connection_scope(probe_engine):
        with SqlUnitOfWork(probe_engine, read_only=True) as uow:
            driver = uow.connection.connection.driver_connection
            assert driver is not None
            uow.connection.execute(sa.select(probe))
            # psycopg in autocommit sends each statement on its own: no BEGIN, no ROLLBACK.
            assert driver.autocommit is True
            assert driver.info.transaction_status.name == "IDLE"
        with SqlUnitOfWork(probe_engine) as uow:
            uow.connection.execute(sa.select(probe))
            assert driver.autocommit is False
            assert driver.info.transaction_status.name == "INTRANS"


@pytest.mark.postgres
def test_a_connection_lost_mid_request_is_replaced_for_the_next_unit_of_work(
    postgres_probe_engine: Engine,
) -> None:
    engine = postgres_probe_engine
    with connection_scope(engine):
        with SqlUnitOfWork(engine) as uow:
            pid = uow.connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            with engine.connect() as admin:
                admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(sa.exc.DBAPIError):
                uow.connection.execute(sa.select(probe))
        with SqlUnitOfWork(engine) as uow:
            uow.connection.execute(probe.insert().values(n=1))
            uow.commit()
    assert _count(engine) == 1
