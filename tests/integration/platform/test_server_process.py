"""`taskhub serve` as a real process on the embedded default, spoken to over HTTP.

It starts in an empty directory with no configuration, as a newcomer would run it.
"""

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.process


def _lower(headers: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, cwd: Path, environment: dict[str, str] | None = None) -> None:
        self.cwd = cwd
        self.environment = environment or {}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "taskhub.entrypoints.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{self.port}",
        ]

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")}
        env["TASKHUB_BCRYPT_ROUNDS"] = "4"
        env.update(self.environment)
        return env

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=self.environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    self.process.stdout.read().decode() if self.process.stdout else ""
                )
            try:
                if self.request("GET", "/health/live")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("taskhub serve did not answer within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, _lower(response.headers), json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, _lower(error.headers), json.loads(raw) if raw else None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    server.start()
    yield server
    server.stop()


def test_a_newcomer_registers_signs_in_and_reads_their_profile(server: Server) -> None:
    status, _, ready = server.request("GET", "/health/ready")
    assert (status, ready["status"]) == (200, "ok")

    body = {"email": "new@example.com", "password": "first try 1", "name": "Newcomer"}
    status, headers, registered = server.request("POST", "/api/v1/auth/register", body)
    assert status == 201
    assert "taskhub_refresh=" in headers["set-cookie"]

    status, _, signed_in = server.request(
        "POST", "/api/v1/auth/login", {"email": "NEW@example.com", "password": "first try 1"}
    )
    assert status == 200
    status, _, me = server.request("GET", "/api/v1/users/me", token=signed_in["access_token"])
    assert status == 200
    assert me == registered["user"]

    status, _, problem = server.request("GET", "/api/v1/users/me")
    assert status == 401
    assert problem["code"] == "missing_credentials"


def test_the_database_and_a_private_key_file_appear_beside_each_other(server: Server) -> None:
    assert (server.cwd / "taskhub.db").exists()
    key_file = server.cwd / "taskhub.db.secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 32


def test_tokens_survive_a_restart_because_the_key_is_kept(server: Server) -> None:
    body = {"email": "keep@example.com", "password": "first try 1", "name": "Keep"}
    token = server.request("POST", "/api/v1/auth/register", body)[2]["access_token"]
    server.stop()
    server.start()
    status, _, me = server.request("GET", "/api/v1/users/me", token=token)
    assert status == 200
    assert me["email"] == "keep@example.com"


def test_logs_are_json_lines_with_one_access_line_per_request(server: Server) -> None:
    server.request("GET", "/health/live")
    server.stop()
    assert server.process is not None
    assert server.process.stdout is not None
    output = server.process.stdout.read().decode()
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    access = [r for r in records if r.get("event") == "request"]
    assert access, output
    assert {"request_id", "method", "path", "status", "duration_ms"} <= access[-1].keys()
