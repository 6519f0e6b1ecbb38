"""Every secret-bearing file the server writes is readable by its owner only: the SQLite
database (password hashes, token digests), its -wal and -shm, and the generated secret key."""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from taskhub.platform.database import create_database_engine
from taskhub.platform.secret_key import resolve_secret_key, secret_key_path
from taskhub.platform.settings import Settings


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default, under which a file created without care is 0644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "taskhub.db"
    engine = create_database_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE t (secret TEXT)"))
            connection.execute(sa.text("INSERT INTO t VALUES ('hash')"))
        wal, shm = Path(f"{database}-wal"), Path(f"{database}-shm")
        assert wal.exists()
        assert shm.exists()
        assert {p.name: mode(p) for p in (database, wal, shm)} == {
            "taskhub.db": 0o600,
            "taskhub.db-wal": 0o600,
            "taskhub.db-shm": 0o600,
        }
    finally:
        engine.dispose()


def test_an_existing_database_readable_by_others_is_narrowed(tmp_path: Path) -> None:
    database = tmp_path / "taskhub.db"
    sa.create_engine(f"sqlite:///{database}").dispose()
    database.touch()
    database.chmod(0o644)
    create_database_engine(f"sqlite:///{database}").dispose()
    assert mode(database) == 0o600


def test_the_generated_secret_key_is_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "taskhub.db"
    resolve_secret_key(Settings(database_url=f"sqlite:///{database}"))
    assert mode(secret_key_path(database)) == 0o600
