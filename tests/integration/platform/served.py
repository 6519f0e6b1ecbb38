"""`taskhub serve` as a separate process on a free port, for tools that speak HTTP.

The tools that read the OpenAPI document (schemathesis, a generated client) test the
API as its users meet it: over a socket, through gunicorn, on the database the run is
configured for (PostgreSQL when `TASKHUB_TEST_DATABASE_URL` is set, else a SQLite file).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.integration.conftest import ensure_postgres_database, run_scoped_postgres_url

GENEROUS_LIMIT = "1000000/minute"
"""Rate limits the tools never reach: they test the API, not the budget."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url(directory: Path, name: str) -> str:
    if os.environ.get("TASKHUB_TEST_DATABASE_URL"):
        url = run_scoped_postgres_url(f"_{name}")
        ensure_postgres_database(url)
        return url
    return f"sqlite:///{directory / 'taskhub.db'}"


def _environment(directory: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")}
    env.update(
        {
            "TASKHUB_DATABASE_URL": url,
            "TASKHUB_SECRET_KEY": "a-test-secret-key-that-is-long-enough-0123456789",
            "TASKHUB_BCRYPT_ROUNDS": "4",
            "TASKHUB_RATE_LIMIT_AUTH": GENEROUS_LIMIT,
            "TASKHUB_RATE_LIMIT_API": GENEROUS_LIMIT,
            "TASKHUB_WEBHOOK_ALLOW_PRIVATE": "true",
            "TASKHUB_STORAGE_URL": (directory / "files").as_uri(),
        }
    )
    return env


@contextmanager
def served_taskhub(directory: Path, name: str) -> Iterator[str]:
    """Migrate a fresh database, serve it, yield the base URL; stop the server after."""
    url = database_url(directory, name)
    env = _environment(directory, url)
    cli = [sys.executable, "-m", "taskhub.entrypoints.cli"]
    subprocess.run([*cli, "migrate"], cwd=directory, env=env, check=True, capture_output=True)
    port = free_port()
    log = (directory / "server.log").open("wb")
    process = subprocess.Popen(
        [*cli, "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=directory,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_live(base, process, directory)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_live(base: str, process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError((directory / "server.log").read_text())
        try:
            with urllib.request.urlopen(f"{base}/health/live", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("taskhub serve did not answer within 60 s")


def call(
    base: str, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, Any]:
    """One JSON request; the status and the decoded body (None when empty)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base}{path}", data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def register(base: str, name: str) -> str:
    """A new account's access token."""
    status, body = call(
        base,
        "POST",
        "/api/v1/auth/register",
        {"email": f"{name}@example.com", "password": "secret123", "name": name},
    )
    assert status == 201, body
    return str(body["access_token"])
