"""Benchmark of the live event stream: many SSE clients on one serving process.

    .venv/bin/python bench/realtime.py                 # ~2 minutes
    .venv/bin/python bench/realtime.py --clients 1000 --orgs 100 --rate 200 --seconds 30

What it does, on loopback, stopping every process it started:

1. Creates a PostgreSQL database of its own (`taskhub_bench_rt`), migrates it, and starts
   `taskhub worker` (the outbox relay) and ONE `taskhub serve` process (one gunicorn
   worker) on it, with RabbitMQ and Redis, as production runs them.
2. Registers one user, who founds `--orgs` organizations; `--clients` SSE clients (one
   asyncio process, raw sockets) are spread evenly over them (1,000 over 100: 10 per
   organization).
3. Measures the serving process's RSS with 10 streams open, then with all open and idle
   for a few seconds: (after - before) / (clients - 10) is the memory per idle
   connection. Its CPU over the same idle span is the cost of heartbeats and the
   once-a-second credential re-check.
4. Commits `--rate` events a second for `--seconds` seconds, round robin over the
   organizations, each its own transaction inserted straight into the outbox (what a
   change's commit writes; the REST request that would make it is not what is measured
   here, and on a 2-core host it would compete for the CPU). `occurred_at` is the
   commit's wall-clock time.
5. Each client records, per event, its receive time minus `occurred_at`: the
   commit-to-client latency, through the relay's poll (0.1 s), RabbitMQ, the process's
   queue, one read per organization per wake, and the socket. Reports p50/p90/p99/max,
   deliveries, and the serving process's CPU per delivered message (its CPU during the
   events phase minus the idle rate, over deliveries; the raw figure too).
6. Writes bench/results/realtime-<date>.md with the exact command.

Why 10 clients per organization: 200 events/s to 1,000 clients of ONE organization
would be 200,000 deliveries/s, a broadcast load no single-org deployment has; spread
over 100 organizations it is 2,000 deliveries/s, each event going to the 10 clients of
its organization, which is the shape of many teams each with a few open browsers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DATABASE = "taskhub_bench_rt"
PORT = 18990
# The client reads only `occurred_at`: parsing whole events would make the 1,000
# clients, which share the host with the server, the bottleneck.
_OCCURRED_AT = re.compile(rb'"occurred_at":"([^"]+)"')


def say(message: str) -> None:
    print(f"[realtime] {message}", flush=True)


def _database_url() -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"


def _recreate_database() -> None:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()


def _drop_database() -> None:
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    admin.dispose()


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")}
    env.update(
        {
            "TASKHUB_DATABASE_URL": _database_url(),
            "TASKHUB_BROKER_URL": BROKER_URL,
            "TASKHUB_BROKER_NAMESPACE": f"taskhub-bench-rt-{uuid.uuid4().hex[:6]}",
            "TASKHUB_REDIS_URL": REDIS_URL,
            "TASKHUB_SECRET_KEY": "bench-realtime-" + "k" * 32,
            "TASKHUB_BCRYPT_ROUNDS": "4",
            "TASKHUB_ACCESS_TOKEN_TTL": "7200",
            "TASKHUB_RATE_LIMIT_AUTH": "100000/minute",
            "TASKHUB_RATE_LIMIT_API": "1000000/minute",
            "TASKHUB_STORAGE_URL": Path(tempfile.mkdtemp(prefix="bench-rt-")).as_uri(),
        }
    )
    return env


def _taskhub(*args: str) -> list[str]:
    return [sys.executable, "-m", "taskhub.entrypoints.cli", *args]


def _call(method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/api/v1{path}", data=data, method=method
    )
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def _wait_until_serving(process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("taskhub serve exited")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health/live", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("taskhub serve did not answer")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Clients:
    """`count` SSE clients over raw asyncio sockets, in a thread of their own."""

    def __init__(self, token: str, orgs: list[str], count: int) -> None:
        self._token = token
        self._orgs = orgs
        self._count = count
        self.latencies: list[float] = []
        self.opened = 0
        self.pings = 0
        self.recording = False
        self._loop = asyncio.new_event_loop()
        self._writers: list[asyncio.StreamWriter] = []

    def start(self, first: int) -> None:
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        self.open(first)

    def open(self, upto: int) -> None:
        future = asyncio.run_coroutine_threadsafe(self._open(upto), self._loop)
        future.result(timeout=300)

    async def _open(self, upto: int) -> None:
        while self.opened < upto:
            batch = min(50, upto - self.opened)
            await asyncio.gather(*(self._one(self.opened + i) for i in range(batch)))
            self.opened += batch

    async def _one(self, index: int) -> None:
        org_id = self._orgs[index % len(self._orgs)]
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        writer.write(
            (
                f"GET /api/v1/orgs/{org_id}/events/stream HTTP/1.1\r\n"
                f"Host: 127.0.0.1\r\nAuthorization: Bearer {self._token}\r\n"
                "Accept: text/event-stream\r\n\r\n"
            ).encode()
        )
        status = await reader.readline()
        if b" 200 " not in status:
            raise SystemExit(f"stream refused: {status!r}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        self._writers.append(writer)
        self._loop.create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"data: "):
                if self.recording:
                    found = _OCCURRED_AT.search(line)
                    assert found is not None, line
                    sent = datetime.fromisoformat(found.group(1).decode()).timestamp()
                    self.latencies.append(time.time() - sent)
            elif line.startswith(b": ping"):
                self.pings += 1

    def close(self) -> None:
        for writer in self._writers:
            self._loop.call_soon_threadsafe(writer.close)


def _commit_events(orgs: list[str], rate: int, seconds: float) -> int:
    """Insert `rate` outbox rows a second, one transaction each, round robin."""
    engine = sa.create_engine(_database_url(), pool_size=4)
    statement = sa.text(
        "INSERT INTO platform_outbox (event_id, event_type, org_id, ordering_key, "
        "occurred_at, payload) VALUES (:event_id, 'label.created', :org_id, :key, "
        ":occurred_at, CAST(:payload AS JSON))"
    )
    committed = 0
    start = time.monotonic()
    total = int(rate * seconds)
    with engine.connect() as connection:
        while committed < total:
            due = start + committed / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            label_id = uuid.uuid4()
            with connection.begin():
                connection.execute(
                    statement,
                    {
                        "event_id": uuid.uuid4(),
                        "org_id": orgs[committed % len(orgs)],
                        "key": f"label:{label_id}",
                        "occurred_at": datetime.now(UTC),
                        "payload": json.dumps(
                            {"id": str(label_id), "name": f"l{committed}", "color": "#336699"}
                        ),
                    },
                )
            committed += 1
    engine.dispose()
    return committed


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    args = parser.parse_args()
    command = " ".join(["bench/realtime.py", *sys.argv[1:]])

    say(f"database {DATABASE}: recreated and migrated")
    _recreate_database()
    env = _environment()
    subprocess.run(_taskhub("migrate"), env=env, check=True, capture_output=True)
    worker = subprocess.Popen(
        _taskhub("worker"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = subprocess.Popen(
        _taskhub("serve", "--bind", f"127.0.0.1:{PORT}"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    clients: Clients | None = None
    try:
        _wait_until_serving(server)
        [serving] = _children(server.pid)
        registered = _call(
            "POST",
            "/auth/register",
            {"email": "bench@example.com", "password": "bench password 1", "name": "Bench"},
        )
        token = registered["access_token"]
        orgs = [
            _call("POST", "/orgs", {"name": f"Bench {i}", "slug": f"bench-{i}"}, token)["id"]
            for i in range(args.orgs)
        ]
        say(f"{args.orgs} organizations; opening {args.clients} streams")
        clients = Clients(token, orgs, args.clients)
        clients.start(10)
        time.sleep(2)
        rss_before = _rss_bytes(serving)
        clients.open(args.clients)
        time.sleep(3)
        cpu_idle_start, idle_start = _cpu_seconds(serving), time.monotonic()
        time.sleep(args.idle_seconds)
        idle_rate = (_cpu_seconds(serving) - cpu_idle_start) / (time.monotonic() - idle_start)
        rss_after = _rss_bytes(serving)
        per_connection = (rss_after - rss_before) / (args.clients - 10)
        say(f"idle: {per_connection / 1024:.1f} KiB RSS per connection, {idle_rate:.3f} CPU s/s")

        clients.recording = True
        load_before = _load_average()
        cpu_start, started = _cpu_seconds(serving), time.monotonic()
        committed = _commit_events(orgs, args.rate, args.seconds)
        committing = time.monotonic() - started
        time.sleep(2)  # the last events arrive
        clients.recording = False
        elapsed = time.monotonic() - started
        cpu_busy = _cpu_seconds(serving) - cpu_start
        latencies = clients.latencies
        deliveries = len(latencies)
        expected = committed * args.clients // args.orgs
        cpu_per_message = (cpu_busy - idle_rate * elapsed) / max(1, deliveries)
        raw_per_message = cpu_busy / max(1, deliveries)
        p50, p90, p99 = (_percentile(latencies, f) * 1000 for f in (0.5, 0.9, 0.99))
        worst = max(latencies) * 1000
        mean = statistics.fmean(latencies) * 1000
        say(
            f"{committed} events, {deliveries}/{expected} deliveries; latency ms p50 {p50:.1f} "
            f"p90 {p90:.1f} p99 {p99:.1f} max {worst:.1f}; CPU/message "
            f"{cpu_per_message * 1e6:.0f} us (raw {raw_per_message * 1e6:.0f} us)"
        )
        _write_results(
            command=command,
            args=args,
            committed=committed,
            deliveries=deliveries,
            expected=expected,
            latency=(p50, p90, p99, worst, mean),
            rss=(rss_before, rss_after, per_connection),
            cpu=(idle_rate, cpu_busy, elapsed, cpu_per_message, raw_per_message),
            pings=clients.pings,
            load=(load_before, _load_average()),
            committing=committing,
        )
    finally:
        if clients is not None:
            clients.close()
        for process in (server, worker):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        _drop_database()


def _write_results(**facts: Any) -> None:
    args = facts["args"]
    p50, p90, p99, worst, mean = facts["latency"]
    rss_before, rss_after, per_connection = facts["rss"]
    idle_rate, cpu_busy, elapsed, per_message, raw = facts["cpu"]
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    path = RESULTS_DIR / f"realtime-{today}.md"
    verdict = "meets" if p99 <= 250 else "misses"
    path.write_text(
        f"""# Live event stream: {args.clients} SSE clients on one process ({today})

Command: `.venv/bin/python {facts["command"]}` (defaults: `--clients 1000 --orgs 100
--rate 200 --seconds 30`), on a shared 2-core host: the clients, PostgreSQL,
RabbitMQ, Redis, the relay and the server all ran on it.

Setup: one `taskhub serve` process (one gunicorn worker) and `taskhub worker` (the
relay) on PostgreSQL, RabbitMQ and Redis. {args.clients} clients spread evenly over
{args.orgs} organizations ({args.clients // args.orgs} each, one user's token). Events
committed at {args.rate}/s for {args.seconds:g} s, round robin over the organizations,
inserted straight into the outbox, one transaction each (see the script's docstring).

| measure | value |
|---|---|
| events committed | {facts["committed"]} |
| deliveries received / expected | {facts["deliveries"]} / {facts["expected"]} |
| commit-to-client latency p50 | {p50:.1f} ms |
| p90 | {p90:.1f} ms |
| p99 | {p99:.1f} ms (target <= 250 ms: {verdict}) |
| max / mean | {worst:.1f} / {mean:.1f} ms |
| RSS with 10 streams / with all, idle | {rss_before / 2**20:.1f} / {rss_after / 2**20:.1f} MiB |
| RSS per idle connection | {per_connection / 1024:.1f} KiB |
| serving process CPU, idle (heartbeats, re-checks) | {idle_rate:.3f} CPU s/s |
| serving process CPU during the events phase | {cpu_busy:.2f} s over {elapsed:.1f} s |
| CPU per delivered message (minus idle) | {per_message * 1e6:.0f} us |
| CPU per delivered message (raw) | {raw * 1e6:.0f} us |
| heartbeat comments seen by the clients | {facts["pings"]} |
| time to commit the events (target {args.seconds:g} s) | {facts["committing"]:.1f} s |
| host load average before / after (1, 5, 15 min) | {facts["load"][0]} / {facts["load"][1]} |

The latency includes the relay's poll (every 0.1 s when no commit in its own process
wakes it, as in production where the web processes commit and the worker relays).
"""
    )
    say(f"wrote {path.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    main()
