"""Where one task-list request spends its CPU, measured inside one process (no HTTP server).

    .venv/bin/python bench/profile_request.py                      # taskhub_bench (1M)
    .venv/bin/python bench/profile_request.py taskhub_bench_10k

On a 2-core host the HTTP benchmark is CPU-bound: every server process, PostgreSQL,
Redis and the load generator share the same cores, so requests/s is roughly
cores / (CPU per request, app + database). This script measures that CPU directly,
which other load on the host barely disturbs (wall-clock times are shown too, but
they grow with whatever else runs):

- app CPU: this process's user+system time (time.process_time) per call;
- pg CPU: the user+system time of this database's PostgreSQL backends per call
  (from /proc/<pid>/stat of the backends in pg_stat_activity; needs the server on
  this host, otherwise the column reads 0).

It builds the real WSGI app (`create_app(build_container(settings))` on PostgreSQL,
with Redis as `run_http.py` runs it when Redis answers at `BENCH_REDIS_URL`, default
redis://127.0.0.1:6379/0: shared rate limiter, session and role answers remembered;
otherwise the in-process limiter and every answer looked up; access log at INFO into
a null stream as a server writes it) and the baseline (bench/baseline_app.py), drives
both with falcon's test client (GET /api/v1/orgs/{org}/tasks?project_id=<biggest
project>&limit=50), then times the stages of the taskhub request one by one and a
few hand-written alternatives (the same work done differently) so a proposed change
has a measured price tag. Last, the
SQL statements of one request, and (with --cprofile) the hottest functions.
Writes bench/results/profile-<size>.txt.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from falcon.testing import TestClient
from sqlalchemy import event

from taskhub.bootstrap import build_container
from taskhub.contexts.work.application.ports import TaskFilter
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.http.media import dumps
from taskhub.platform.settings import load_settings
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.roles import Role

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline_app
from _common import (
    DEFAULT_DB,
    RESULTS_DIR,
    bench_facts,
    conninfo,
    mint_access_token,
    say,
    serve_in_process,
    start_session,
)

_CLK = os.sysconf("SC_CLK_TCK")


class PgCpu:
    """CPU seconds used by the server processes serving one database."""

    def __init__(self, dbname: str) -> None:
        self._conn = psycopg.connect(conninfo(dbname), autocommit=True)
        self._db = dbname
        self._own = self._conn.execute("SELECT pg_backend_pid()").fetchone()[0]

    def _pids(self) -> list[int]:
        rows = self._conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
            (self._db, self._own),
        ).fetchall()
        return [r[0] for r in rows]

    def sample(self) -> dict[int, float]:
        out = {}
        for pid in self._pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                out[pid] = (int(fields[11]) + int(fields[12])) / _CLK
            except (OSError, IndexError, ValueError):
                pass
        return out

    @staticmethod
    def used(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(v - before.get(pid, 0.0) for pid, v in after.items())


def measure(
    pg: PgCpu, fn: Callable[[], Any], n: int, warmup: int = 30
) -> tuple[float, float, float]:
    """(app CPU ms, pg CPU ms, wall ms) per call."""
    for _ in range(warmup):
        fn()
    before = pg.sample()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        fn()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    db = PgCpu.used(before, pg.sample())
    return 1000 * cpu / n, 1000 * db / n, 1000 * wall / n


def _shape(statement: str) -> str:
    text = " ".join(statement.split())
    text = re.sub(r"SELECT .*? FROM", "SELECT ... FROM", text, count=1)
    text = re.sub(r"(%\(\w+\)s::UUID, ){3,}", "..., ", text)
    return text[:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", nargs="?", default=DEFAULT_DB)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--cprofile", action="store_true", help="append the hottest functions")
    args = parser.parse_args()
    n = args.requests

    secret = secrets.token_urlsafe(48)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    if serve_in_process(args.database, secret, redis_url):
        redis_note = f"Redis {redis_url}: shared rate limiter, sessions and roles remembered"
    else:
        redis_note = "no Redis: in-process rate limiter, sessions and roles looked up"

    container = build_container(load_settings())
    app = create_app(container)
    client = TestClient(app)
    base_client = TestClient(baseline_app.create_app())
    facts = bench_facts(args.database)
    token = mint_access_token(secret, facts.owner_id, start_session(args.database, facts.owner_id))
    path = f"/api/v1/orgs/{facts.org_id}/tasks"
    params = {"project_id": str(facts.big_project_id), "limit": "50"}
    headers = {"Authorization": f"Bearer {token}"}
    pg = PgCpu(args.database)
    engine = container.engine()

    def request() -> None:
        result = client.simulate_get(path, params=params, headers=headers)
        if result.status_code != 200:
            raise SystemExit(f"taskhub: HTTP {result.status_code}: {result.text[:500]}")

    def baseline_request() -> None:
        result = base_client.simulate_get(path, params=params, headers=headers)
        if result.status_code != 200:
            raise SystemExit(f"baseline: HTTP {result.status_code}: {result.text[:500]}")

    authenticator = container.identity.authenticator()
    access = container.tenancy.access()
    service = container.work.tasks()
    principal = authenticator.authenticate(token)
    actor = Actor(principal=principal, org_id=facts.org_id, role=Role.OWNER)
    task_filter = TaskFilter(project_id=facts.big_project_id)
    page = service.find(actor, task_filter, PageRequest(limit=50))

    def serialize() -> None:
        # What the dispatcher does with a page of summaries: the encoder writes them.
        dumps({"items": page.items, "next_cursor": None})

    def uow_round_trip() -> None:
        with engine.connect() as conn, conn.begin():
            conn.execute(sa.text("SELECT 1")).all()

    rows: list[tuple[str, tuple[float, float, float]]] = []

    def run(name: str, fn: Callable[[], Any]) -> tuple[float, float, float]:
        result = measure(pg, fn, n)
        rows.append((name, result))
        say(f"  {name:<66} app {result[0]:6.3f}  pg {result[1]:6.3f}  wall {result[2]:6.3f} ms")
        return result

    say(f"measuring, {n} calls each")
    full = run("taskhub: whole request (test client, access log on)", request)
    base = run("baseline: whole request (test client)", baseline_request)
    # Stages on their own, each outside a request (so each checks out its own connection).
    run(
        "  authenticate (token and session: remembered with Redis, else a lookup)",
        lambda: authenticator.authenticate(token),
    )
    run(
        "  role in the org (remembered with Redis, else a membership lookup)",
        lambda: access.role_in(principal, facts.org_id),
    )
    run(
        "  TaskService.find (one statement on the driver's cursor; read model)",
        lambda: service.find(actor, task_filter, PageRequest(limit=50)),
    )
    run("  serialize 50 summaries (orjson)", serialize)
    run("ref: an empty transaction (checkout, BEGIN, SELECT 1, ROLLBACK)", uow_round_trip)
    run("taskhub: whole request again (drift check)", request)

    # The statements of one request.
    timings: dict[str, list[float]] = defaultdict(list)
    recording = {"on": False}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _c: Any, _s: str, _p: Any, _x: Any, _m: bool) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, _c: Any, statement: str, _p: Any, _x: Any, _m: bool) -> None:
        started = conn.info.pop("bench_t0", None)
        if recording["on"] and started is not None:
            timings[_shape(statement)].append(time.perf_counter() - started)

    recording["on"] = True
    for _ in range(100):
        request()
    recording["on"] = False

    app_ms, pg_ms = full[0], full[1]
    base_app, base_pg = base[0], base[1]
    lines = [
        f"CPU per task-list request, in process: database {args.database} "
        f"({facts.task_count:,} tasks), {n} calls per line after 30 warm-up, "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs",
        "GET /api/v1/orgs/{org}/tasks?project_id=<biggest project>&limit=50",
        redis_note,
        "",
        f"{'':<68} {'app CPU':>8} {'pg CPU':>8} {'wall':>8}   (ms per call)",
        *[f"{name:<68} {a:8.3f} {p:8.3f} {w:8.3f}" for name, (a, p, w) in rows],
        "",
        f"CPU per request, app + database: taskhub {app_ms + pg_ms:.2f} ms, baseline "
        f"{base_app + base_pg:.2f} ms -> CPU-bound throughput ratio taskhub/baseline "
        f"~ {(base_app + base_pg) / (app_ms + pg_ms):.2f}",
        "",
        "SQL statements of one taskhub request (count per request, mean wall ms each):",
    ]
    for shape, values in sorted(timings.items(), key=lambda kv: -len(kv[1])):
        lines.append(
            f"  {len(values) / 100:4.1f} x {1000 * sum(values) / len(values):6.3f}  {shape}"
        )
    lines.append(
        f"  total {sum(len(v) for v in timings.values()) / 100:.1f} statements per request "
        "(reads send no BEGIN or ROLLBACK on PostgreSQL; a connection idle under a second "
        "is not pinged)"
    )
    if args.cprofile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not wall: waits excluded
        profiler.enable()
        for _ in range(n):
            request()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
        lines += ["", "cProfile of whole requests (CPU), by cumulative then own time:"]
        lines.append(out.getvalue())
    suffix = "1m" if facts.task_count >= 1_000_000 else f"{facts.task_count // 1000}k"
    target = RESULTS_DIR / f"profile-{suffix}.txt"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    say(f"wrote {target}")
    engine.dispose()


if __name__ == "__main__":
    main()
