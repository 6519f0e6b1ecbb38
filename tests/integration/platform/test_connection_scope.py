"""Units of work inside one request share a connection, and still keep their own rules."""

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from taskhub.platform import database
from taskhub.platform.connection_scope import acquire, connection_scope, release, return_parked
from taskhub.platform.database import create_database_engine
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


def _scope_count(engine: Engine) -> int:
    with connection_scope(engine), SqlUnitOfWork(engine, read_only=True) as uow:
        return int(
            uow.connection.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one()
        )


def test_the_next_scope_on_the_thread_takes_the_parked_connection(probe_engine: Engine) -> None:
    return_parked()
    checkouts = _checkouts(probe_engine)
    for _ in range(3):
        _scope_count(probe_engine)
    assert len(checkouts) == 1
    assert probe_engine.pool.checkedout() == 1  # parked with this thread
    return_parked()
    assert probe_engine.pool.checkedout() == 0


def test_nothing_uncommitted_survives_parking(probe_engine: Engine) -> None:
    with connection_scope(probe_engine), SqlUnitOfWork(probe_engine) as uow:
        uow.connection.execute(probe.insert().values(n=1))  # never committed
    with connection_scope(probe_engine), SqlUnitOfWork(probe_engine) as uow:
        assert uow.connection.execute(sa.select(sa.func.count()).select_from(probe)).scalar() == 0
        uow.connection.execute(probe.insert().values(n=2))
        uow.commit()
    assert _count(probe_engine) == 1
    return_parked()


def test_another_engine_hands_the_parked_connection_back(
    probe_engine: Engine, tmp_path: Path
) -> None:
    other = create_database_engine(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        _scope_count(probe_engine)
        assert probe_engine.pool.checkedout() == 1
        with connection_scope(other), SqlUnitOfWork(other, read_only=True) as uow:
            uow.connection.execute(sa.text("SELECT 1"))
        assert probe_engine.pool.checkedout() == 0
        return_parked()
    finally:
        other.dispose()


def test_a_thread_that_ends_hands_its_connection_back(probe_engine: Engine) -> None:
    return_parked()
    worker = threading.Thread(target=_scope_count, args=(probe_engine,))
    worker.start()
    worker.join()
    gc.collect()
    assert probe_engine.pool.checkedout() == 0


@pytest.mark.postgres
def test_a_parked_connection_that_died_while_idle_is_replaced(
    postgres_probe_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = postgres_probe_engine
    return_parked()
    with connection_scope(engine), SqlUnitOfWork(engine, read_only=True) as uow:
        pid = uow.connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    with engine.connect() as admin:
        admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    with connection_scope(engine), SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() != pid
    return_parked()


def test_threads_park_fewer_connections_than_the_pool_holds(probe_engine: Engine) -> None:
    return_parked()
    size = probe_engine.pool.size()  # type: ignore[attr-defined]
    served, finish = threading.Barrier(size + 4), threading.Event()

    def serve() -> None:
        _scope_count(probe_engine)
        served.wait()
        finish.wait()

    threads = [threading.Thread(target=serve) for _ in range(size + 3)]
    for thread in threads:
        thread.start()
    served.wait()
    # Every thread is done with its scope and still alive: the parked are fewer than
    # the pool's size, so a request on another thread still finds a connection at once.
    assert probe_engine.pool.checkedout() == size - 1
    assert _scope_count(probe_engine) == 0
    finish.set()
    for thread in threads:
        thread.join()
    return_parked()
    gc.collect()
    assert probe_engine.pool.checkedout() == 0


@pytest.mark.postgres
def test_a_connection_that_dies_in_a_transaction_is_dropped_quietly_at_the_end(
    postgres_probe_engine: Engine,
) -> None:
    engine = postgres_probe_engine
    return_parked()
    with connection_scope(engine):
        connection, shared = acquire(engine)
        connection.begin()
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with engine.connect() as admin:
            admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        release(connection, shared)
    # The scope ended without an error: the request's answer stands.
    assert engine.pool.checkedout() == 0
    assert _scope_count(engine) == 0
    return_parked()
