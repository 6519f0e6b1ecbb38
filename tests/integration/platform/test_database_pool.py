"""The PostgreSQL pool: dead idle connections are replaced, busy ones are not pinged."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from taskhub.platform import database
from taskhub.platform.database import create_database_engine

pytestmark = pytest.mark.postgres


@pytest.fixture
def pool_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_database_engine(postgres_url, pool_size=1)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(postgres_url: str, pid: int) -> None:
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()


def _pings(engine: Engine) -> list[int]:
    seen: list[int] = []
    original = engine.dialect.do_ping

    def counting(dbapi_connection: object) -> bool:
        seen.append(1)
        return original(dbapi_connection)  # type: ignore[arg-type]

    engine.dialect.do_ping = counting  # type: ignore[method-assign]
    return seen


def test_a_connection_killed_while_idle_is_replaced_without_an_error(
    pool_engine: Engine, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_pid(pool_engine)
    _terminate(postgres_url, first)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _backend_pid(pool_engine) != first


def test_a_connection_used_a_moment_ago_is_not_pinged(pool_engine: Engine) -> None:
    _backend_pid(pool_engine)
    pings = _pings(pool_engine)
    for _ in range(5):
        _backend_pid(pool_engine)
    assert pings == []


def test_a_connection_idle_for_a_while_is_pinged(
    pool_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _backend_pid(pool_engine)
    pings = _pings(pool_engine)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    _backend_pid(pool_engine)
    assert pings == [1]


def test_sessions_run_in_utc(pool_engine: Engine) -> None:
    with pool_engine.connect() as connection:
        assert connection.execute(sa.text("SHOW TimeZone")).scalar_one() == "UTC"
        now = connection.execute(sa.text("SELECT now()")).scalar_one()
    assert now.utcoffset().total_seconds() == 0


def test_checkouts_are_counted_once_per_use(pool_engine: Engine) -> None:
    """Guards the tests above: the pool really is reused, not reconnected each time."""
    connects: list[int] = []
    event.listen(pool_engine, "connect", lambda *_: connects.append(1))
    pids = {_backend_pid(pool_engine) for _ in range(3)}
    assert len(pids) == 1
    assert len(connects) <= 1
