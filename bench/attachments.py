"""Attachments: memory and throughput of a 100 MB upload and download through taskhub.

    .venv/bin/python bench/attachments.py [--megabytes 100]      # ~1 minute

What it does, on loopback only, stopping every process it started:

1. Writes a file of random bytes (default 100 MB) in a temporary folder, and times a
   plain `cp` of it (the machine's disk speed, the ceiling for local storage).
2. Starts `taskhub serve` (one gunicorn worker, embedded SQLite, local storage in the
   temporary folder) with TASKHUB_MAX_UPLOAD_BYTES raised above the file's size.
3. Registers a user, an organization, a project and a task over HTTP, and uploads a
   small file once as a warm-up (every module imported, every pool filled).
4. Reads the peak resident set (VmHWM) of each serving process, uploads the big file as
   `multipart/form-data` streamed from disk (http.client, `Content-Length`), reads the
   peaks again: the growth is what the upload cost in memory. Then downloads it to
   /dev/null and checks the SHA-256 the API reported.
5. Writes bench/results/attachments-<date>.md.

The web process must not grow by 16 MB or more: the body is streamed in 64 KiB pieces
to storage, never held whole.
"""

import argparse
import hashlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PIECE = 1024 * 1024
BOUNDARY = "taskhub-bench-boundary"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tree(pid: int) -> list[int]:
    """The process and its descendants (gunicorn's master and worker)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            found.extend(_tree(int(child)))
    return found


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _request(port: int, method: str, path: str, body: Any = None, token: str = "") -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    answer = connection.getresponse()
    data = answer.read()
    connection.close()
    if answer.status >= 300:
        raise RuntimeError(f"{method} {path}: {answer.status} {data[:300]!r}")
    return json.loads(data) if data else None


def _multipart(path: Path) -> tuple[int, Iterator[bytes]]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def pieces() -> Iterator[bytes]:
        yield head
        with path.open("rb") as file:
            while piece := file.read(PIECE):
                yield piece
        yield tail

    return len(head) + path.stat().st_size + len(tail), pieces()


def _upload(port: int, url: str, token: str, path: Path) -> tuple[Any, float]:
    length, body = _multipart(path)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.putrequest("POST", url)
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    connection.putheader("Content-Length", str(length))
    connection.endheaders()
    for piece in body:
        connection.send(piece)
    answer = connection.getresponse()
    data = answer.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if answer.status != 201:
        raise RuntimeError(f"upload: {answer.status} {data[:300]!r}")
    return json.loads(data), elapsed


def _download(port: int, url: str, token: str) -> tuple[str, int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", url, headers={"Authorization": f"Bearer {token}"})
    answer = connection.getresponse()
    digest, size = hashlib.sha256(), 0
    while piece := answer.read(PIECE):
        digest.update(piece)
        size += len(piece)
    elapsed = time.perf_counter() - started
    connection.close()
    if answer.status != 200:
        raise RuntimeError(f"download: {answer.status}")
    return digest.hexdigest(), size, elapsed


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("taskhub serve exited")
        try:
            _request(port, "GET", "/health/live")
            return
        except (OSError, RuntimeError):
            time.sleep(0.2)
    raise RuntimeError("taskhub serve did not answer within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=int, default=100)
    args = parser.parse_args()
    size = args.megabytes * 1_000_000
    work = Path(tempfile.mkdtemp(prefix="taskhub-bench-attachments-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        big = work / "big.bin"
        with big.open("wb") as file:
            for _ in range(size // PIECE):
                file.write(os.urandom(PIECE))
            file.write(os.urandom(size % PIECE))
        started = time.perf_counter()
        shutil.copyfile(big, work / "copy.bin")
        os.sync()
        cp_seconds = time.perf_counter() - started
        (work / "copy.bin").unlink()

        port = _free_port()
        env = {
            **os.environ,
            "TASKHUB_DATABASE_URL": f"sqlite:///{work / 'taskhub.db'}",
            "TASKHUB_SECRET_KEY": secrets.token_hex(32),
            "TASKHUB_MAX_UPLOAD_BYTES": str(size + 1_000_000),
            "TASKHUB_RATE_LIMIT_AUTH": "1000/minute",
            "TASKHUB_BCRYPT_ROUNDS": "4",
        }
        taskhub = Path(sys.executable).parent / "taskhub"
        process = subprocess.Popen(
            [str(taskhub), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(port, process)
        registered = _request(
            port,
            "POST",
            "/api/v1/auth/register",
            {"email": "bench@example.com", "password": "correct horse 1", "name": "bench"},
        )
        token = registered["access_token"]
        org = _request(port, "POST", "/api/v1/orgs", {"name": "Bench", "slug": "bench"}, token)
        base = f"/api/v1/orgs/{org['id']}"
        project = _request(port, "POST", f"{base}/projects", {"name": "Bench", "key": "BN"}, token)
        task = _request(
            port, "POST", f"{base}/tasks", {"project_id": project["id"], "title": "t"}, token
        )
        files = f"{base}/tasks/{task['id']}/attachments"
        small = work / "small.bin"
        small.write_bytes(os.urandom(256 * 1024))
        warm, _ = _upload(port, files, token, small)
        _download(port, f"{files}/{warm['id']}/content", token)

        pids = _tree(process.pid)
        before = {pid: _peak_kib(pid) for pid in pids}
        created, upload_seconds = _upload(port, files, token, big)
        after = {pid: _peak_kib(pid) for pid in pids}
        digest, fetched, download_seconds = _download(
            port, f"{files}/{created['id']}/content", token
        )
        assert fetched == size, fetched
        assert digest == created["sha256"] == hashlib.sha256(big.read_bytes()).hexdigest()
        growth_kib = max(after[pid] - before[pid] for pid in pids)
        megabytes = size / 1_000_000
        report = _report(
            megabytes=megabytes,
            before=before,
            after=after,
            growth_kib=growth_kib,
            cp=megabytes / cp_seconds,
            upload=megabytes / upload_seconds,
            download=megabytes / download_seconds,
        )
        out = ROOT / "bench" / "results" / f"attachments-{datetime.now(UTC):%Y-%m-%d}.md"
        out.write_text(report)
        print(report)
        if growth_kib >= 16 * 1024:
            raise SystemExit(f"peak RSS grew by {growth_kib} KiB: 16 MiB or more")
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


def _report(
    *,
    megabytes: float,
    before: dict[int, int],
    after: dict[int, int],
    growth_kib: int,
    cp: float,
    upload: float,
    download: float,
) -> str:
    rows = "\n".join(
        f"| {pid} | {before[pid] / 1024:.1f} | {after[pid] / 1024:.1f} | "
        f"{(after[pid] - before[pid]) / 1024:.1f} |"
        for pid in before
    )
    return f"""# Attachments: a {megabytes:.0f} MB upload and download

`.venv/bin/python bench/attachments.py` on {datetime.now(UTC):%Y-%m-%d}: `taskhub serve`
(gunicorn, one worker, SQLite, local storage), loopback, this machine (2 cores shared).

## Peak resident memory (VmHWM) of the serving processes

| pid | before (MiB) | after the upload (MiB) | growth (MiB) |
|---|---|---|---|
{rows}

Largest growth: **{growth_kib / 1024:.1f} MiB** for a {megabytes:.0f} MB file (limit: 16 MiB).

## Throughput

| what | MB/s |
|---|---|
| `cp` of the same file (disk to disk) | {cp:.0f} |
| upload through taskhub (multipart, hashed, sniffed, to the folder) | {upload:.0f} |
| download through taskhub (to /dev/null) | {download:.0f} |

The upload reads the socket, parses multipart, hashes with SHA-256 and writes the file;
`cp` only copies. The download streams the file in 64 KiB pieces.
"""


if __name__ == "__main__":
    main()
