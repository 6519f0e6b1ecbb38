"""What the worker spends per task-create event: outbox relay and every consumer, measured
in process, thread by thread.

    .venv/bin/python bench/profile_worker.py                   # taskhub_bench_writes, RabbitMQ
    .venv/bin/python bench/profile_worker.py --events 400 --cprofile

It builds taskhub's container as `taskhub worker` does (PostgreSQL, RabbitMQ at
BENCH_BROKER_URL, Redis when it answers), creates tasks through the real WSGI app in the
main thread, and runs the worker's threads (`MessagingThreads`: the relay, the event
consumer, the background jobs) in this process, each thread's CPU read from
/proc/self/task/<tid>/stat, so the creates' own CPU is not counted. Two phases:

1. **burst**: the worker starts idle (connections parked for longer than the pool's
   ping interval), then EVENTS creates are made as fast as one thread makes them while
   the worker relays and consumes them live;
2. **backlog**: the worker is stopped, EVENTS creates are made, the worker is started
   and drains them (the batches are as large as they get).

Each phase waits until the outbox is relayed and the consumers have recorded nothing
new (`platform_consumed_events`) for a second, then reports CPU per event per thread
(gross, and net of what the threads spend polling when idle, measured for 3 s
before), the SQL statements the worker's threads sent per event, and the pool's
checkouts, pings (a checkout after more than `platform.database.
PING_AFTER_IDLE_SECONDS` idle) and resets per event: the connection resets the issue
asks about. With --cprofile, the hottest functions of the worker's
threads (burst phase). Writes bench/results/worker-profile-<date>.txt.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    RESULTS_DIR,
    WRITES_DB,
    bench_facts,
    broker_reachable,
    conninfo,
    mint_access_token,
    say,
    serve_in_process,
    start_session,
)
from profile_writes import Driver

from taskhub.bootstrap import build_container
from taskhub.entrypoints.worker import MessagingThreads
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import load_settings

_CLK = os.sysconf("SC_CLK_TCK")


def thread_cpu() -> dict[str, float]:
    """CPU seconds of this process's threads, by thread name (the worker's threads)."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    out: Counter[str] = Counter()
    for entry in Path("/proc/self/task").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(entry.name), "other")
        if name == "MainThread":
            continue
        out[name] += (int(fields[11]) + int(fields[12])) / _CLK
    return dict(out)


def unrelayed(dbname: str) -> int:
    with psycopg.connect(conninfo(dbname)) as conn:
        row = conn.execute("SELECT count(*) FROM platform_outbox WHERE published_at IS NULL")
        return int(row.fetchone()[0])


class Counting:
    """Statements, checkouts, pings and resets on the engine from the worker's threads."""

    def __init__(self, engine: Any) -> None:
        self.counts: Counter[str] = Counter()
        self.on = False
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "reset", self._reset)
        dialect = engine.dialect
        original = dialect.do_ping

        def ping(dbapi_connection: Any) -> bool:
            self._count("ping")
            return bool(original(dbapi_connection))

        dialect.do_ping = ping

    def _count(self, what: str) -> None:
        if self.on and threading.current_thread().name != "MainThread":
            self.counts[what] += 1

    def _statement(self, *args: Any) -> None:
        self._count("statement")

    def _checkout(self, *args: Any) -> None:
        self._count("checkout")

    def _reset(self, *args: Any) -> None:
        self._count("reset (rollback on return)")


def consumed(dbname: str) -> int:
    with psycopg.connect(conninfo(dbname)) as conn:
        return int(conn.execute("SELECT count(*) FROM platform_consumed_events").fetchone()[0])


def wait_drained(dbname: str, timeout: float = 120) -> float:
    """Until the outbox is relayed and the consumers have recorded nothing new for a
    second; returns how long the relay took."""
    began = time.monotonic()
    while unrelayed(dbname) and time.monotonic() - began < timeout:
        time.sleep(0.05)
    relayed = time.monotonic() - began
    last = consumed(dbname)
    while time.monotonic() - began < timeout:
        time.sleep(1.0)
        now = consumed(dbname)
        if now == last:
            break
        last = now
    return relayed


def idle_rate(seconds: float = 3.0) -> dict[str, float]:
    """CPU seconds per second each worker thread spends with nothing to do (polling)."""
    before = thread_cpu()
    time.sleep(seconds)
    after = thread_cpu()
    return {name: (after.get(name, 0.0) - before.get(name, 0.0)) / seconds for name in after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", nargs="?", default=WRITES_DB)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--note", default="")
    parser.add_argument("--tag", default="")
    args = parser.parse_args()
    broker = os.environ.get("BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    if not broker_reachable(broker):
        raise SystemExit(f"RabbitMQ does not answer at {broker}")
    secret = secrets.token_urlsafe(48)
    serve_in_process(
        args.database, secret, os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    os.environ["TASKHUB_BROKER_URL"] = broker
    container = build_container(load_settings())
    facts = bench_facts(args.database)
    token = mint_access_token(secret, facts.owner_id, start_session(args.database, facts.owner_id))
    driver = Driver("taskhub", create_app(container), token, facts.org_id, facts.small_project_id)
    counting = Counting(container.engine())
    lines = [
        f"Worker CPU per task-create event, in process: database {args.database}, "
        f"{args.events} events per phase, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs. Machine: {args.note or 'not stated'}",
        "",
    ]
    profiles: list[cProfile.Profile] = []

    def per_thread_profile(*_: Any) -> None:
        profile = cProfile.Profile(time.thread_time)
        profiles.append(profile)
        profile.enable()

    idle: dict[str, float] = {}
    for phase in ("burst", "backlog"):
        threads = MessagingThreads(container)
        if phase == "burst":
            if args.cprofile:
                threading.setprofile(per_thread_profile)
            threads.start()
            threads.consumer_ready.wait(30)
            threading.setprofile(None)  # type: ignore[arg-type]
            wait_drained(args.database)
            idle = idle_rate()  # also leaves the connections idle past the ping interval
            before = thread_cpu()
            counting.counts.clear()
            counting.on = True
            started = time.monotonic()
            for _ in range(args.events):
                driver.create()
        else:  # the events wait in the outbox, then the worker starts and drains them
            for _ in range(args.events):
                driver.create()
            before = thread_cpu()  # the burst's threads have ended: nothing of the worker
            counting.counts.clear()
            counting.on = True
            started = time.monotonic()
            threads.start()
        relayed = wait_drained(args.database)
        counting.on = False
        after = thread_cpu()
        elapsed = time.monotonic() - started
        threads.stop()
        n = args.events
        spent = {name: 1000 * (after.get(name, 0.0) - before.get(name, 0.0)) / n for name in after}
        net = {name: ms - 1000 * idle.get(name, 0.0) * elapsed / n for name, ms in spent.items()}
        lines += [
            "  idle (nothing to do), CPU % of a core: "
            + ", ".join(f"{k} {100 * v:.1f}" for k, v in sorted(idle.items()) if v > 0.0005),
            f"  worker CPU per event net of idle polling: {sum(net.values()):.3f} ms "
            + "("
            + ", ".join(
                f"{k} {v:.3f}"
                for k, v in sorted(net.items(), key=lambda kv: -kv[1])
                if abs(v) > 0.01
            )
            + ")",
            f"{phase}: {n} events, outbox relayed {relayed:.1f} s after the "
            f"{'first create' if phase == 'burst' else 'start'} "
            f"({elapsed:.1f} s until the consumers recorded nothing new for 1 s)",
            f"  worker CPU per event: {sum(spent.values()):.3f} ms",
            *[
                f"    {name:<20} {ms:7.3f} ms"
                for name, ms in sorted(spent.items(), key=lambda kv: -kv[1])
            ],
            "  per event: "
            + ", ".join(
                f"{what} {count / n:.2f}" for what, count in sorted(counting.counts.items())
            ),
            "",
        ]
        say("\n".join(lines[-8:]))
    if profiles:
        out = io.StringIO()
        stats = pstats.Stats(profiles[0], stream=out)
        for profile in profiles[1:]:
            stats.add(profile)
        stats.sort_stats("cumulative").print_stats(r"taskhub|kombu|amqp", 50)
        stats.sort_stats("tottime").print_stats(30)
        lines += ["cProfile of the worker's threads (thread CPU), burst phase:", out.getvalue()]
    tag = f"-{args.tag}" if args.tag else ""
    target = RESULTS_DIR / f"worker-profile-{datetime.now(UTC):%Y-%m-%d}{tag}.txt"
    target.write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:40]))
    say(f"wrote {target}")


if __name__ == "__main__":
    main()
