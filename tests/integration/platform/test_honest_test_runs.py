"""What the test command promises about itself: tests that need Redis skip without it
(and fail with CI=true), and a run leaves no database or files folder of its own behind.

Each runs pytest again, in a child process, on a few tests with the service in
question made unreachable or on a test that creates a database the way the migration
tests do.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.conftest import service_unavailable
from tests.integration.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[3]
NOTHING_LISTENS = "redis://127.0.0.1:9/0"  # the discard port: refused at once


def pytest_child(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-c",
            "pyproject.toml",
            *args,
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def redis_test_files() -> list[str]:
    """Every test module that marks tests as needing Redis, wherever it has moved to."""
    return sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests" / "integration").rglob("test_*.py")
        if "pytest.mark.redis" in path.read_text()
    )


def test_tests_that_need_redis_skip_when_it_is_absent() -> None:
    files = redis_test_files()
    assert len(files) >= 3
    result = pytest_child("-m", "redis", *files, TASKHUB_TEST_REDIS_URL=NOTHING_LISTENS)
    assert result.returncode == 0, result.stdout[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "failed" not in summary, summary
    assert "error" not in summary, summary
    assert re.search(r"\d+ skipped", summary), summary


def test_with_ci_true_a_missing_redis_fails_the_run() -> None:
    result = pytest_child(
        "-x", "-m", "redis", *redis_test_files(), TASKHUB_TEST_REDIS_URL=NOTHING_LISTENS, CI="true"
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert "Redis is not reachable" in result.stdout
    assert "required when CI=true" in result.stdout


CHILD_TEST = """
from pathlib import Path

from tests.integration.conftest import (
    STORAGE_ROOT,
    ensure_postgres_database,
    run_scoped_postgres_url,
)


def test_a_database_and_a_files_folder_of_the_runs_own() -> None:
    url = run_scoped_postgres_url("_migrations")
    ensure_postgres_database(url)
    STORAGE_ROOT.mkdir(exist_ok=True)
    (STORAGE_ROOT / "stored").write_bytes(b"x")
    Path(__file__).with_name("made.txt").write_text(f"{url} {STORAGE_ROOT}")
"""


@pytest.mark.postgres
def test_a_run_drops_the_databases_and_folders_it_named_for_itself(tmp_path: Path) -> None:
    admin = sa.create_engine(
        make_url(POSTGRES_URL).set(database="postgres"), connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        service_unavailable("PostgreSQL", exc.orig)
    (tmp_path / "test_child.py").write_text(CHILD_TEST)
    try:
        result = pytest_child("-p", "tests.integration.conftest", str(tmp_path / "test_child.py"))
        assert result.returncode == 0, result.stdout[-3000:]
        url, folder = (tmp_path / "made.txt").read_text().split()
        made = make_url(url).database
        assert made is not None
        assert re.fullmatch(rf"{make_url(POSTGRES_URL).database}_\d+_migrations", made)
        with admin.connect() as connection:
            left = connection.execute(
                sa.text("SELECT datname FROM pg_database WHERE datname = :name"), {"name": made}
            ).all()
    finally:
        admin.dispose()
    assert left == [], f"{made} was left behind"
    assert not Path(folder).exists(), f"{folder} was left behind"
