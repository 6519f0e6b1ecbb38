"""The `taskhub` command line as an operator meets it: clear errors, exit codes, progress."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TASKHUB = [sys.executable, "-m", "taskhub.entrypoints.cli"]


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")}
    return subprocess.run(
        [*TASKHUB, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["migrate"],
        ["worker"],
        ["openapi"],
        ["users"],
        ["users", "deactivate"],
        ["users", "grant-staff"],
        ["seed"],
    ],
)
def test_every_command_has_help(tmp_path: Path, command: list[str]) -> None:
    result = run([*command, "--help"], tmp_path)
    assert result.returncode == 0
    assert "usage: taskhub" in result.stdout


def test_bad_configuration_is_one_line_per_problem_and_exit_2(tmp_path: Path) -> None:
    result = run(
        ["migrate"],
        tmp_path,
        TASKHUB_BCRYPT_ROUNDS="lots",
        TASKHUB_MAX_BODY_BYTES="-1",
        TASKHUB_DATABASE_URL="oracle://x",
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "taskhub: configuration error:"
    assert len(lines) == 4
    assert "Traceback" not in result.stderr


def test_migrate_reports_progress_and_is_idempotent(tmp_path: Path) -> None:
    first = run(["migrate"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "applying" in first.stderr
    assert "applied 0001" in first.stderr
    assert (tmp_path / "taskhub.db").exists()
    second = run(["migrate"], tmp_path)
    assert second.returncode == 0
    assert "up to date" in second.stderr
    assert "applying" not in second.stderr


def test_serve_on_postgresql_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = run(["serve"], tmp_path, TASKHUB_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/x")
    assert result.returncode == 2
    assert "TASKHUB_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_with_several_workers_needs_redis(tmp_path: Path) -> None:
    result = run(["serve", "--workers", "2"], tmp_path)
    assert result.returncode == 2
    assert "TASKHUB_REDIS_URL" in result.stderr


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    result = run(
        ["migrate"], tmp_path, TASKHUB_DATABASE_URL="postgresql://u:secretpw@127.0.0.1:1/none"
    )
    assert result.returncode == 2
    assert "does not answer" in result.stderr
    assert "secretpw" not in result.stderr
    assert "Traceback" not in result.stderr


def test_deactivating_an_unknown_account_says_so(tmp_path: Path) -> None:
    assert run(["migrate"], tmp_path).returncode == 0
    result = run(["users", "deactivate", "ghost@example.com"], tmp_path)
    assert result.returncode == 1
    assert "ghost@example.com" in result.stderr


def test_worker_refuses_the_in_process_bus(tmp_path: Path) -> None:
    result = run(["worker"], tmp_path)
    assert result.returncode == 2
    assert "memory://" in result.stderr
    assert "amqp://" in result.stderr


def test_worker_with_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    result = run(
        ["worker"],
        tmp_path,
        TASKHUB_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//",
        TASKHUB_DATABASE_URL="postgresql://u@127.0.0.1:1/none",
        TASKHUB_SECRET_KEY="s" * 32,
    )
    assert result.returncode == 2
    assert "does not answer" in result.stderr
