"""`taskhub serve` as a child process on a free port, for tests that need a real server."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "taskhub.entrypoints.cli",
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
    ]


def serve_environment(**overrides: str) -> dict[str, str]:
    """This environment without any TASKHUB_ setting, fast password hashing, and overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")}
    env["TASKHUB_BCRYPT_ROUNDS"] = "4"
    env.update(overrides)
    return env


class ServedTaskhub:
    """`taskhub serve` in `directory` (its SQLite file and key go there) until `stop`."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            serve_command(self.port),
            cwd=directory,
            env=serve_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode() if self.process.stdout else ""
                raise AssertionError(f"taskhub serve exited:\n{output}")
            try:
                with urllib.request.urlopen(f"{self.base}/health/live", timeout=2):
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        self.stop()
        raise AssertionError("taskhub serve did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
