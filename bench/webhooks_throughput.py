"""Webhook throughput: events per second from commit to signed delivery, and latency.

    .venv/bin/python bench/webhooks_throughput.py                        # both pipelines
    .venv/bin/python bench/webhooks_throughput.py --mode amqp --events 5000 --workers 2
    .venv/bin/python bench/webhooks_throughput.py --mode memory --batch 1 --committers 1

Every event is a `task.created` committed through the application's own use case
(`TaskService.batch`, `--batch` tasks per transaction, `--committers` threads, each in
an organization of its own with one webhook). A local receiver (an asyncio HTTP server
on 127.0.0.1, in a process of its own so that it neither slows the committing threads
nor is slowed by them) answers 200 and notes when each `webhook-id` first arrived;
every signature is checked afterwards. The pipelines measured:

- `amqp`: PostgreSQL + RabbitMQ + `--workers` `taskhub worker` processes (one by
  default; each runs a relay, a consumer and a dispatcher), as in production. A
  RabbitMQ virtual host of its own is created with `rabbitmqctl` (and deleted), so no
  other worker competes for its queue.
- `memory`: PostgreSQL + the in-process bus, the relay, consumer and dispatcher running
  as threads of this process, as `taskhub serve` runs them by default.

Each pipeline gets four phases: a burst (`--events`, committed as fast as possible
while the pipeline runs: end to end, so never faster than the commits), a backlog
(`--backlog-events` committed while the pipeline is stopped, then drained: how fast the
pipeline itself goes, with nothing else competing for the CPU; its latencies count
from the pipeline's start), a paced run (`--paced-events` at `--paced-rate`, by default
half the burst's throughput, `--paced-batch` tasks per transaction, one by default:
latency under a sustainable load) and a trickle
(`--trickle-events` at `--trickle-rate`: latency of a nearly idle pipeline). Then
`--stages` events are pushed through each stage alone, to show which one limits.

Reported: commit rate; commit-to-delivery rate (events delivered / time from the first
commit to the last first delivery); commit-to-delivery latency percentiles; the worker
processes' CPU time per delivered event (`amqp`, from /proc); the whole host's busy CPU
time per delivered event (/proc/stat: commits, database, broker, workers, receiver and
kernel; the backlog's from the pipeline's start, so without its commits); where the time goes
(commit -> published by the relay -> delivery scheduled by the consumer -> received),
from the outbox's `published_at` and the delivery's `created_at`. Results are printed
and written to bench/results/webhooks-<date>.md (`--no-write` to skip).

Database: `BENCH_PG_URL` (default `postgresql://postgres@127.0.0.1:5432/postgres`) names
the server; the database `taskhub_bench_webhooks` is dropped, created and migrated for
each pipeline, and dropped at the end. Broker: `BENCH_AMQP_URL` (default
`amqp://guest:guest@127.0.0.1:5672/`).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import multiprocessing
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection as Connection_
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from kombu.connection import Connection
from psycopg.conninfo import conninfo_to_dict, make_conninfo

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(REPO_ROOT / "src"))


from taskhub.bootstrap import ApplicationContainer, build_container  # noqa: E402
from taskhub.contexts.integrations.adapters.sql.tables import deliveries  # noqa: E402
from taskhub.contexts.work.application.task_commands import CreateTask  # noqa: E402
from taskhub.contexts.work.domain.values import ProjectStatus  # noqa: E402
from taskhub.entrypoints.worker import MessagingThreads  # noqa: E402
from taskhub.platform.database import create_database_engine  # noqa: E402
from taskhub.platform.logging import configure_logging  # noqa: E402
from taskhub.platform.messaging.tables import outbox  # noqa: E402
from taskhub.platform.migrations import upgrade  # noqa: E402
from taskhub.platform.settings import Settings  # noqa: E402
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind  # noqa: E402
from taskhub.shared_kernel.roles import Role  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
DATABASE = "taskhub_bench_webhooks"
SECRET_KEY = "webhook-benchmark-secret-key-0123456789abcdef"
CONSUMER_BATCH = 200  # the consumer's prefetch: the most it handles in one transaction
TARGET_RATE = 1_000.0
TARGET_P99 = 1.0


# Infrastructure


def _conninfo(dbname: str) -> str:
    params = conninfo_to_dict(ADMIN_URL)
    params["dbname"] = dbname
    return make_conninfo("", **params)


def _sqlalchemy_url(dbname: str) -> str:
    params = conninfo_to_dict(ADMIN_URL)
    user = params.get("user", "postgres")
    password = params.get("password")
    auth = f"{user}:{password}" if password else user
    host, port = params.get("host", "127.0.0.1"), params.get("port", "5432")
    return f"postgresql+psycopg://{auth}@{host}:{port}/{dbname}"


def fresh_database() -> str:
    with psycopg.connect(make_conninfo(ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    url = _sqlalchemy_url(DATABASE)
    engine = create_database_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return url


def drop_database() -> None:
    with psycopg.connect(make_conninfo(ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


@contextmanager
def private_vhost() -> Iterator[str]:
    parts = urllib.parse.urlsplit(AMQP_URL)
    if shutil.which("rabbitmqctl") is None:
        print("rabbitmqctl not found: using the broker URL's own virtual host", file=sys.stderr)
        yield AMQP_URL
        return
    vhost = f"taskhub-bench-{os.getpid()}"
    _rabbitmqctl("add_vhost", vhost)
    try:
        _rabbitmqctl("set_permissions", "-p", vhost, parts.username or "guest", ".*", ".*", ".*")
        yield urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + vhost, "", ""))
    finally:
        _rabbitmqctl("delete_vhost", vhost)


# The receiver


Arrival = tuple[float, dict[str, str], bytes]  # (time.time() when read, headers, body)


def _serve(control: Connection_, ready: Connection_) -> None:
    """The receiver process: an asyncio HTTP/1.1 server that answers every POST with 200
    and keeps what arrived; `control` asks for what it kept."""
    arrivals: list[Arrival] = []
    first: dict[str, float] = {}
    lock = threading.Lock()

    async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")[1:]
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines if line)
            }
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            now = time.time()
            with lock:
                arrivals.append((now, headers, body))
                first.setdefault(headers.get("webhook-id", ""), now)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    def answer() -> None:
        while True:
            command = control.recv()
            with lock:
                if command == "distinct":
                    control.send(len(first))
                elif command == "first":
                    control.send(dict(first))
                elif command == "arrivals":
                    control.send(list(arrivals))
                elif command == "reset":
                    arrivals.clear()
                    first.clear()
                    control.send(None)

    async def main() -> None:
        server = await asyncio.start_server(exchange, "127.0.0.1", 0, backlog=1024)
        ready.send(server.sockets[0].getsockname()[1])
        threading.Thread(target=answer, daemon=True).start()
        await server.serve_forever()

    asyncio.run(main())


class Receiver:
    """A stand-in for a partner's endpoint, in a process of its own so that its work is
    not counted against the committing threads (nor theirs against it): answers 200 to
    every POST and keeps (arrival time, headers, body)."""

    def __init__(self) -> None:
        self._control, child_control = multiprocessing.Pipe()
        ready, child_ready = multiprocessing.Pipe()
        self._process = multiprocessing.Process(
            target=_serve, args=(child_control, child_ready), daemon=True
        )
        self._process.start()
        self.url = f"http://127.0.0.1:{ready.recv()}/hooks"
        self._lock = threading.Lock()

    def _ask(self, command: str) -> Any:
        with self._lock:
            self._control.send(command)
            return self._control.recv()

    @property
    def arrivals(self) -> list[Arrival]:
        return list(self._ask("arrivals"))

    def reset(self) -> None:
        self._ask("reset")

    def distinct(self) -> int:
        return int(self._ask("distinct"))

    def first_arrivals(self) -> dict[str, float]:
        return dict(self._ask("first"))

    def close(self) -> None:
        self._process.terminate()
        self._process.join(10)


def signature_ok(secret: str, headers: dict[str, str], body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(p, expected) for p in headers["webhook-signature"].split())


# The pipelines


class Pipeline:
    """What relays, consumes and dispatches: a worker process or threads of this one."""

    broker_url: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None:
        self.stop()

    def cpu_seconds(self) -> float | None:
        """CPU time the pipeline has used so far, where it can be told apart."""
        return None


class WorkerPipeline(Pipeline):
    """`workers` `taskhub worker` processes, each with its relay, consumer and dispatcher."""

    def __init__(self, database_url: str, broker_url: str, workers: int = 1) -> None:
        self.broker_url = broker_url
        self._database_url = database_url
        self._workers = workers
        self._logs = [
            Path(tempfile.mkstemp(prefix="taskhub-bench-worker-", suffix=".log")[1])
            for _ in range(workers)
        ]
        self._processes: list[subprocess.Popen[bytes]] = []
        self._cpu_of_stopped = 0.0

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")}
        env.update(
            TASKHUB_DATABASE_URL=self._database_url,
            TASKHUB_BROKER_URL=self.broker_url,
            TASKHUB_SECRET_KEY=SECRET_KEY,
            TASKHUB_WEBHOOK_ALLOW_PRIVATE="true",
        )
        for log in self._logs:
            with log.open("wb") as sink:
                self._processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "taskhub.entrypoints.cli", "worker"],
                        env=env,
                        stdout=sink,
                        stderr=subprocess.STDOUT,
                    )
                )

    def stop(self) -> None:
        for process in self._processes:
            process.send_signal(signal.SIGTERM)
        for process in self._processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        self._processes = []

    def close(self) -> None:
        self.stop()
        for log in self._logs:
            log.unlink(missing_ok=True)

    def cpu_seconds(self) -> float | None:
        """User + system time of the worker processes (Linux /proc), else None."""
        if not self._processes:
            return None
        total = 0.0
        for process in self._processes:
            try:
                stat = Path(f"/proc/{process.pid}/stat").read_text()
            except OSError:
                return None
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


class InProcessPipeline(Pipeline):
    def __init__(self, container: ApplicationContainer) -> None:
        self.broker_url = container.settings().broker_url
        self._container = container
        self._threads: MessagingThreads | None = None

    def start(self) -> None:
        self._threads = MessagingThreads(self._container)
        self._threads.start()
        if not self._threads.consumer_ready.wait(10):
            raise RuntimeError("the in-process consumer did not start")

    def stop(self) -> None:
        if self._threads is not None:
            self._threads.stop()
            self._threads = None


# The load


@dataclass
class Tenant:
    actor: Actor
    project_id: uuid.UUID
    secret: str


def make_tenants(container: ApplicationContainer, url: str, count: int) -> list[Tenant]:
    tenants = []
    for index in range(count):
        owner = uuid.uuid4()
        org = container.tenancy.organizations().found(
            owner, name=f"Bench {index}", slug=f"bench-{uuid.uuid4().hex[:12]}"
        )
        actor = Actor(Principal(kind=PrincipalKind.USER, user_id=owner), org.id, Role.OWNER)
        project = container.work.projects().create(
            actor, key="BENCH", name="Bench", description="", status=ProjectStatus.ACTIVE
        )
        webhook = container.integrations.webhooks().create(
            actor, url=url, events=["task.created"], description="benchmark"
        )
        tenants.append(Tenant(actor, project.id, webhook.secret))
    return tenants


@dataclass
class Load:
    committed_at: dict[str, float] = field(default_factory=dict)  # task id -> commit time
    started: float = 0.0
    finished: float = 0.0


def commit_load(
    container: ApplicationContainer,
    tenants: Sequence[Tenant],
    events: int,
    batch: int,
    rate: float | None = None,
) -> Load:
    """Commit `events` tasks: one thread per tenant, `batch` per transaction, as fast as
    possible, or (with `rate`) at `rate` per second in all."""
    tasks = container.work.tasks()
    load = Load()
    lock = threading.Lock()
    errors: list[BaseException] = []
    shares = [events // len(tenants) + (i < events % len(tenants)) for i in range(len(tenants))]
    per_thread_rate = rate / len(tenants) if rate else None
    size = batch

    def commit(tenant: Tenant, share: int) -> None:
        try:
            done = 0
            while done < share:
                count = min(size, share - done)
                operations = [
                    CreateTask(project_id=tenant.project_id, title=f"bench {done + i}")
                    for i in range(count)
                ]
                results = tasks.batch(tenant.actor, operations)
                now = time.time()
                with lock:
                    for result in results:
                        load.committed_at[str(result.task_id)] = now
                done += count
                if per_thread_rate:
                    pause = load.started + done / per_thread_rate - time.time()
                    if pause > 0:
                        time.sleep(pause)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=commit, args=(t, s), daemon=True)
        for t, s in zip(tenants, shares, strict=True)
    ]
    load.started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.finished = time.time()
    if errors:
        raise errors[0]
    return load


def host_cpu_seconds() -> float | None:
    """Busy CPU time of the whole host so far (Linux /proc/stat: all but idle and
    iowait), else None: commits, PostgreSQL, RabbitMQ, workers, receiver, kernel."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    except OSError:
        return None
    values = [int(v) for v in fields]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def _spent(before: float | None) -> float | None:
    after = host_cpu_seconds()
    return None if before is None or after is None else after - before


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


# Measuring


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Result:
    mode: str
    phase: str  # "burst": as fast as possible; "paced": at a fixed rate
    events: int
    shape: str  # how the load was committed
    commit_rate: float
    throughput: float
    delivered: int
    duplicates: int
    bad_signatures: int
    latency: dict[str, float]
    stages: dict[str, dict[str, float]]
    timed_out: bool
    worker_cpu_ms: float | None = None  # the worker process's CPU per delivered event
    host_cpu_ms: float | None = None  # the whole host's busy CPU per delivered event


def _summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "max": max(values) if values else float("nan"),
    }


def measure(
    engine: sa.Engine,
    receiver: Receiver,
    load: Load,
    secrets: dict[str, str],
) -> dict[str, object]:
    """Latencies and stage times of the events `load` committed, as received so far."""
    first = receiver.first_arrivals()
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                outbox.c.event_id,
                outbox.c.org_id,
                outbox.c.payload,
                outbox.c.published_at,
                deliveries.c.created_at.label("scheduled_at"),
            )
            .join(deliveries, deliveries.c.event_id == outbox.c.event_id, isouter=True)
            .where(outbox.c.event_type == "task.created")
        ).all()
    latencies, published, scheduled, sent = [], [], [], []
    last_arrival = load.started
    org_of: dict[str, str] = {}
    for row in rows:
        committed = load.committed_at.get(str(row.payload["id"]))
        if committed is None:
            continue
        org_of[str(row.event_id)] = str(row.org_id)
        arrived = first.get(str(row.event_id))
        if arrived is None:
            continue
        latencies.append(arrived - committed)
        last_arrival = max(last_arrival, arrived)
        if row.published_at is not None and row.scheduled_at is not None:
            published.append(row.published_at.timestamp() - committed)
            scheduled.append(row.scheduled_at.timestamp() - row.published_at.timestamp())
            sent.append(arrived - row.scheduled_at.timestamp())
    arrivals = [(h, body) for _t, h, body in receiver.arrivals if h.get("webhook-id") in org_of]
    bad = sum(not signature_ok(secrets[org_of[h["webhook-id"]]], h, body) for h, body in arrivals)
    return {
        "events": len(load.committed_at),
        "commit_rate": len(load.committed_at) / max(1e-9, load.finished - load.started),
        "throughput": len(latencies) / max(1e-9, last_arrival - load.started),
        "delivered": len(latencies),
        "duplicates": len(arrivals) - len({h["webhook-id"] for h, _b in arrivals}),
        "bad_signatures": bad,
        "latency": _summary(latencies),
        "stages": {
            "commit -> published": _summary(published),
            "published -> scheduled": _summary(scheduled),
            "scheduled -> received": _summary(sent),
        },
    }


@contextmanager
def _memory_broker() -> Iterator[str]:
    yield f"memory://{uuid.uuid4().hex}"


def run(
    mode: str,
    *,
    events: int,
    batch: int,
    committers: int,
    paced_events: int,
    paced_rate: float | None,
    paced_batch: int,
    trickle_events: int,
    trickle_rate: float,
    backlog_events: int,
    workers: int,
    timeout: float,
) -> list[Result]:
    """A burst of `events`, then (if `paced_events`) a paced run on the same pipeline,
    at `paced_rate` or, by default, half the throughput the burst achieved, then (if
    `trickle_events`) a trickle at `trickle_rate`: the latency of a nearly idle pipeline."""
    database_url = fresh_database()
    receiver = Receiver()
    results: list[Result] = []
    with private_vhost() if mode == "amqp" else _memory_broker() as broker_url:
        settings = Settings(
            database_url=database_url,
            broker_url=broker_url,
            secret_key=SECRET_KEY,
            webhook_allow_private=True,
        )
        container = build_container(settings)
        engine = container.engine()
        pipeline: Pipeline = (
            WorkerPipeline(database_url, broker_url, workers)
            if mode == "amqp"
            else InProcessPipeline(container)
        )
        try:
            tenants = make_tenants(container, receiver.url, committers)
            secrets = {str(t.actor.org_id): t.secret for t in tenants}
            pipeline.start()
            # Warm up: one event per tenant through the whole pipeline before measuring.
            commit_load(container, tenants, len(tenants), 1)
            if not wait_for(lambda: receiver.distinct() >= len(tenants), 60):
                raise RuntimeError("the pipeline did not deliver the warm-up events")

            def phase(
                name: str, count: int, rate: float | None, shape: str, size: int = batch
            ) -> Result:
                receiver.reset()
                print(f"[{mode}] {name}: committing {count} events ...", file=sys.stderr)
                cpu_before, host_before = pipeline.cpu_seconds(), host_cpu_seconds()
                load = commit_load(container, tenants, count, size, rate)
                print(
                    f"[{mode}] {name}: committed in {load.finished - load.started:.1f}s,"
                    " waiting for the deliveries ...",
                    file=sys.stderr,
                )
                done = wait_for(lambda: receiver.distinct() >= len(load.committed_at), timeout)
                return result(name, shape, load, done, cpu_before, _spent(host_before))

            def result(
                name: str,
                shape: str,
                load: Load,
                done: bool,
                cpu_before: float | None,
                host_spent: float | None,
            ) -> Result:
                figures = measure(engine, receiver, load, secrets)
                cpu_after = pipeline.cpu_seconds()
                delivered = int(figures["delivered"])  # type: ignore[call-overload]
                cpu_ms = (
                    (cpu_after - cpu_before) * 1000 / delivered
                    if cpu_before is not None and cpu_after is not None and delivered
                    else None
                )
                return Result(
                    mode=mode if mode != "amqp" else f"amqp, {workers} worker{'s' * (workers > 1)}",
                    phase=name,
                    shape=shape,
                    timed_out=not done,
                    worker_cpu_ms=cpu_ms,
                    host_cpu_ms=host_spent * 1000 / delivered
                    if host_spent is not None and delivered
                    else None,
                    **figures,  # type: ignore[arg-type]
                )

            def backlog(count: int) -> Result:
                """Commit with the pipeline stopped, then start it: how fast it drains a
                backlog, all stages at once, with no commits competing for the CPU.
                Latencies count from the start, not from each commit."""
                pipeline.stop()
                receiver.reset()
                print(f"[{mode}] backlog: committing {count} events ...", file=sys.stderr)
                load = commit_load(container, tenants, count, batch)
                print(f"[{mode}] backlog: starting the pipeline ...", file=sys.stderr)
                host_before = host_cpu_seconds()
                pipeline.start()
                started = time.time()
                cpu_before = pipeline.cpu_seconds()
                # Latency and rate from the start; the commit rate as it was.
                load.finished, load.started = started + load.finished - load.started, started
                load.committed_at = dict.fromkeys(load.committed_at, started)
                done = wait_for(lambda: receiver.distinct() >= len(load.committed_at), timeout)
                return result(
                    "backlog",
                    f"{count:,} committed while stopped, then drained; latency from the start",
                    load,
                    done,
                    cpu_before,
                    _spent(host_before),
                )

            burst = phase(
                "burst", events, None, f"{batch} tasks/txn, {committers} threads, unthrottled"
            )
            results.append(burst)
            if backlog_events:
                results.append(backlog(backlog_events))
            if paced_events:
                rate = paced_rate or max(1.0, round(burst.throughput / 2))
                results.append(
                    phase(
                        "paced",
                        paced_events,
                        rate,
                        f"{paced_batch} task{'s' * (paced_batch > 1)}/txn, {committers} threads,"
                        f" {rate:,.0f} events/s",
                        paced_batch,
                    )
                )
            if trickle_events:
                results.append(
                    phase(
                        "trickle",
                        trickle_events,
                        trickle_rate,
                        f"1 task/txn, {committers} threads, {trickle_rate:,.0f} events/s",
                        1,
                    )
                )
        finally:
            pipeline.close()
            receiver.close()
            engine.dispose()
    drop_database()
    return results


Capacity = tuple[float, float]  # events per second, CPU ms per event in this process


def stage_capacities(events: int) -> dict[str, Capacity]:
    """Each stage alone, one after the other, on `events` already committed events
    (amqp): the commit, the relay publishing them, the consumer scheduling their
    deliveries, one dispatcher sending them. Events per second of each, nothing else
    running, and this process's CPU time per event (not PostgreSQL's or RabbitMQ's)."""
    database_url = fresh_database()
    receiver = Receiver()
    rates: dict[str, Capacity] = {}

    def timed(name: str, count: int, started: float, cpu_started: float) -> None:
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        rates[name] = (count / elapsed, cpu * 1000 / count)

    with private_vhost() as broker_url:
        container = build_container(
            Settings(
                database_url=database_url,
                broker_url=broker_url,
                secret_key=SECRET_KEY,
                webhook_allow_private=True,
            )
        )
        engine = container.engine()
        subscription = container.integrations.subscription()
        try:
            tenants = make_tenants(container, receiver.url, 1)
            with Connection(broker_url) as connection:  # type: ignore[no-untyped-call]
                subscription.queue(container.broker_names())(connection.default_channel).declare()
            started, cpu_started = time.perf_counter(), time.process_time()
            commit_load(container, tenants, events, 100)
            timed("commit (100 tasks/txn, 1 thread)", events, started, cpu_started)

            relay = container.relay()
            started, cpu_started = time.perf_counter(), time.process_time()
            if not relay.wait_until_idle(600):
                raise RuntimeError("the relay did not catch up")
            timed("relay: outbox -> RabbitMQ", events, started, cpu_started)

            bodies = []
            with Connection(broker_url) as connection:  # type: ignore[no-untyped-call]
                queue = subscription.queue(container.broker_names())(connection.default_channel)
                while (message := queue.get(no_ack=True)) is not None:
                    bodies.append(message.payload)
            consumer = container.consumer()
            started, cpu_started = time.perf_counter(), time.process_time()
            for start in range(0, len(bodies), CONSUMER_BATCH):
                consumer.handle_batch(subscription, bodies[start : start + CONSUMER_BATCH])
            timed("consumer: event -> delivery scheduled", len(bodies), started, cpu_started)

            dispatcher = container.integrations.dispatcher()
            started, cpu_started, sent = time.perf_counter(), time.process_time(), 0
            while attempted := dispatcher.run_once():
                sent += attempted
            dispatcher.close()
            timed("dispatcher: delivery -> signed POST answered", sent, started, cpu_started)
        finally:
            receiver.close()
            engine.dispose()
    drop_database()
    return rates


# Reporting


def environment() -> list[str]:
    with psycopg.connect(_conninfo("postgres")) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        pg_version = row[0] if row else "?"
        sync = conn.execute("SHOW synchronous_commit").fetchone()
    rabbit = "?"
    if shutil.which("rabbitmqctl"):
        try:
            out = subprocess.run(
                ["rabbitmqctl", "version"],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            rabbit = out.stdout.strip().splitlines()[-1]
        except (subprocess.SubprocessError, IndexError):
            rabbit = "?"
    return [
        f"- machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}",
        f"- PostgreSQL {pg_version} (synchronous_commit={sync[0] if sync else '?'}),"
        f" RabbitMQ {rabbit}; database, broker, worker, receiver and load on the same host",
        "- load average when the run ended (1/5/15 min): "
        + " / ".join(f"{v:.1f}" for v in os.getloadavg()),
    ]


def _ms(value: float) -> str:
    return f"{value * 1000:,.0f} ms"


def render(
    results: Sequence[Result],
    capacities: dict[str, Capacity],
    env: Sequence[str],
    note: str,
) -> tuple[str, bool]:
    today = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Webhook throughput, {today}",
        "",
        "`bench/webhooks_throughput.py`: `task.created` events committed through the"
        " application's use case and delivered, signed, to a local receiver that answers"
        " 200 (every signature checked). `amqp` = PostgreSQL + RabbitMQ + `taskhub worker`"
        " processes; `memory` = PostgreSQL + the in-process bus, relay, consumer and"
        " dispatcher as threads of the committing process (`taskhub serve`'s default)."
        f" Target: >= {TARGET_RATE:,.0f} events/s and p99 commit-to-delivery"
        f" <= {TARGET_P99:.0f} s.",
        "",
        *env,
        "",
        "| pipeline | phase | load | delivered | commit rate | commit-to-delivery rate"
        " | p50 | p90 | p99 | max | dup | bad sig | worker CPU/event | host CPU/event |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.mode} | {r.phase} | {r.shape}"
            f" | {r.delivered:,}/{r.events:,}{' (timed out)' if r.timed_out else ''}"
            f" | {r.commit_rate:,.0f}/s | {r.throughput:,.0f}/s"
            f" | {_ms(r.latency['p50'])} | {_ms(r.latency['p90'])} | {_ms(r.latency['p99'])}"
            f" | {_ms(r.latency['max'])} | {r.duplicates} | {r.bad_signatures}"
            f" | {'-' if r.worker_cpu_ms is None else f'{r.worker_cpu_ms:.2f} ms'}"
            f" | {'-' if r.host_cpu_ms is None else f'{r.host_cpu_ms:.2f} ms'} |"
        )
    lines += [
        "",
        "Where the time goes, per event (p50 / p99): the relay publishing the committed"
        " outbox row, the consumer scheduling the delivery, the dispatcher sending it.",
        "",
        "| pipeline | phase | commit -> published | published -> scheduled"
        " | scheduled -> received |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        cells = [f"{_ms(s['p50'])} / {_ms(s['p99'])}" for s in r.stages.values()]
        lines.append(f"| {r.mode} | {r.phase} | {' | '.join(cells)} |")
    if capacities:
        lines += [
            "",
            "Each stage alone (`--stages`: the events committed first, then each stage run"
            " to completion by itself, in this process, on RabbitMQ; CPU is this process's"
            " only, not PostgreSQL's, RabbitMQ's or the receiver's):",
            "",
            "| stage | events/s | CPU/event |",
            "|---|---|---|",
            *(
                f"| {stage} | {rate:,.0f} | {cpu:.2f} ms |"
                for stage, (rate, cpu) in capacities.items()
            ),
        ]
    rate_phase = [r for r in results if r.phase == "backlog"] or [
        r for r in results if r.phase == "burst"
    ]
    timed = [r for r in results if r.phase != "backlog"]
    rate_met = bool(rate_phase) and all(r.throughput >= TARGET_RATE for r in rate_phase)
    latency_met = all(r.latency["p99"] <= TARGET_P99 for r in timed)
    met = rate_met and latency_met
    lines += [
        "",
        f"Throughput >= {TARGET_RATE:,.0f} events/s ({rate_phase[0].phase if rate_phase else '-'}"
        f" phase): {'met' if rate_met else 'missed'}."
        f" p99 commit-to-delivery <= {TARGET_P99:.0f} s (every phase but the backlog):"
        f" {'met' if latency_met else 'missed'}.",
    ]
    if note:
        lines += ["", note.strip()]
    return "\n".join(lines) + "\n", met


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("amqp", "memory", "both"), default="both")
    parser.add_argument("--events", type=int, default=5_000, help="events in the burst")
    parser.add_argument("--batch", type=int, default=100, help="tasks per transaction (1-100)")
    parser.add_argument("--committers", type=int, default=4, help="threads, one org each")
    parser.add_argument("--paced-events", type=int, default=1_000, help="0: no paced phase")
    parser.add_argument("--paced-rate", type=float, help="default: half the burst's rate")
    parser.add_argument("--paced-batch", type=int, default=1, help="tasks per paced txn")
    parser.add_argument("--trickle-events", type=int, default=150, help="0: no trickle")
    parser.add_argument("--trickle-rate", type=float, default=5.0, help="events per second")
    parser.add_argument("--workers", type=int, default=1, help="`taskhub worker`s (amqp)")
    parser.add_argument("--backlog-events", type=int, default=10_000, help="0: no backlog")
    parser.add_argument("--stages", type=int, default=2_000, help="events; 0: skip")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait")
    parser.add_argument("--note", default="", help="a paragraph appended to the results file")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if not 1 <= args.batch <= 100 or not 1 <= args.paced_batch <= 100:
        parser.error("--batch and --paced-batch must be between 1 and 100")
    configure_logging("WARNING")  # as `taskhub serve` would, minus the chatter
    modes = ("amqp", "memory") if args.mode == "both" else (args.mode,)
    results = [
        result
        for mode in modes
        for result in run(
            mode,
            events=args.events,
            batch=args.batch,
            committers=args.committers,
            paced_events=args.paced_events,
            paced_rate=args.paced_rate,
            paced_batch=args.paced_batch,
            trickle_events=args.trickle_events,
            trickle_rate=args.trickle_rate,
            backlog_events=args.backlog_events,
            workers=args.workers,
            timeout=args.timeout,
        )
    ]
    capacities = stage_capacities(args.stages) if args.stages else {}
    report, met = render(results, capacities, environment(), args.note)
    print(report)
    if not args.no_write:
        path = BENCH_DIR / "results" / f"webhooks-{datetime.now(UTC):%Y-%m-%d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(report)
        print(f"written to {path.relative_to(REPO_ROOT)}", file=sys.stderr)
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
