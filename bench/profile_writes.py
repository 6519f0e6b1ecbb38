"""Where taskhub's writes spend their CPU, measured inside one process (no HTTP server).

    .venv/bin/python bench/profile_writes.py                      # taskhub_bench_writes
    .venv/bin/python bench/profile_writes.py --cprofile --requests 300

The same in-process approach as bench/profile_request.py (which does it for the task
list): the real WSGI app (`create_app(build_container(settings))` on PostgreSQL, Redis
when it answers, access log at INFO into a null stream) driven by falcon's test client,
one request after another, so the figures are CPU, not queueing:

- app CPU per request (time.process_time of this process) and the CPU of this
  database's PostgreSQL backends (from /proc), for `POST /tasks` (a new
  Idempotency-Key each), `PATCH /tasks/{id}` with `If-Match` (the title, on tasks of
  the project in turn) and `POST /tasks/{id}/comments`, and the same three through
  the same-work baseline (bench/baseline_writes.py) for the floor;
- every SQL statement one request of each kind sends (count and mean wall time), the
  transaction's BEGIN and COMMIT included;
- with --cprofile, the hottest functions of taskhub's create (CPU time).

The outbox rows the requests write are not relayed here (the broker is left out): this
is the web process's share only. Writes bench/results/writes-profile-<date>.txt.
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
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from falcon.testing import TestClient
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline_writes
from _common import (
    RESULTS_DIR,
    WRITES_DB,
    bench_facts,
    mint_access_token,
    say,
    serve_in_process,
    start_session,
)
from profile_request import PgCpu, measure

from taskhub.bootstrap import build_container
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import load_settings


def _shape(statement: str) -> str:
    text = " ".join(statement.split())
    text = re.sub(r"SELECT .*? FROM", "SELECT ... FROM", text, count=1)
    text = re.sub(r"\((%\(\w+\)s(::\w+)?, ){3,}", "(..., ", text)
    return text[:170]


class Driver:
    """One app under the test client: creates, title changes with If-Match, comments."""

    def __init__(self, name: str, app: Any, token: str, org_id: uuid.UUID, project_id: uuid.UUID):
        self.name = name
        self.client = TestClient(app)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.base = f"/api/v1/orgs/{org_id}"
        self.project_id = str(project_id)
        self.tasks: list[tuple[str, int]] = []  # (id, version)
        self.n = 0

    def _check(self, result: Any, status: int, what: str) -> Any:
        if result.status_code != status:
            raise SystemExit(f"{self.name} {what}: HTTP {result.status_code}: {result.text[:500]}")
        return result.json

    def create(self) -> None:
        self.n += 1
        body = {"project_id": self.project_id, "title": f"profiled task {self.n}"}
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        made = self._check(
            self.client.simulate_post(f"{self.base}/tasks", json=body, headers=headers),
            201,
            "create",
        )
        if len(self.tasks) < 64:
            self.tasks.append((made["id"], made["version"]))

    def patch(self) -> None:
        self.n += 1
        i = self.n % len(self.tasks)
        task_id, version = self.tasks[i]
        headers = {**self.headers, "If-Match": f'"{version}"'}
        changed = self._check(
            self.client.simulate_patch(
                f"{self.base}/tasks/{task_id}", json={"title": f"edited {self.n}"}, headers=headers
            ),
            200,
            "patch",
        )
        self.tasks[i] = (task_id, changed["version"])

    def comment(self) -> None:
        self.n += 1
        task_id = self.tasks[self.n % len(self.tasks)][0]
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        self._check(
            self.client.simulate_post(
                f"{self.base}/tasks/{task_id}/comments",
                json={"body": f"comment {self.n}"},
                headers=headers,
            ),
            201,
            "comment",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", nargs="?", default=WRITES_DB)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--cprofile", action="store_true", help="append the hottest functions")
    parser.add_argument("--tag", default="")
    args = parser.parse_args()
    n = args.requests

    secret = secrets.token_urlsafe(48)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    with_redis = serve_in_process(args.database, secret, redis_url)
    container = build_container(load_settings())
    facts = bench_facts(args.database)
    token = mint_access_token(secret, facts.owner_id, start_session(args.database, facts.owner_id))
    taskhub = Driver("taskhub", create_app(container), token, facts.org_id, facts.small_project_id)
    baseline = Driver(
        "baseline", baseline_writes.create_app(), token, facts.org_id, facts.small_project_id
    )
    for driver in (taskhub, baseline):
        driver.create()
    pg = PgCpu(args.database)

    rows: list[tuple[str, tuple[float, float, float]]] = []

    def run(name: str, fn: Callable[[], Any]) -> None:
        result = measure(pg, fn, n)
        rows.append((name, result))
        say(f"  {name:<40} app {result[0]:6.3f}  pg {result[1]:6.3f}  wall {result[2]:6.3f} ms")

    say(f"measuring, {n} calls each")
    for driver in (taskhub, baseline):
        run(f"{driver.name}: POST /tasks", driver.create)
        run(f"{driver.name}: PATCH /tasks/{{id}} If-Match", driver.patch)
        run(f"{driver.name}: POST /tasks/{{id}}/comments", driver.comment)
    run("taskhub: POST /tasks (drift check)", taskhub.create)

    engine = container.engine()
    timings: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    current = {"kind": ""}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _c: Any, _s: str, _p: Any, _x: Any, _m: bool) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, _c: Any, statement: str, _p: Any, _x: Any, _m: bool) -> None:
        started = conn.info.pop("bench_t0", None)
        if current["kind"] and started is not None:
            timings[current["kind"]][_shape(statement)].append(time.perf_counter() - started)

    @event.listens_for(engine, "begin")
    def _begin(_conn: Any) -> None:
        if current["kind"]:
            timings[current["kind"]]["BEGIN (implicit)"].append(0.0)

    @event.listens_for(engine, "commit")
    def _commit(_conn: Any) -> None:
        if current["kind"]:
            timings[current["kind"]]["COMMIT"].append(0.0)

    samples = 50
    for kind, fn in (
        ("create", taskhub.create),
        ("patch", taskhub.patch),
        ("comment", taskhub.comment),
    ):
        current["kind"] = kind
        for _ in range(samples):
            fn()
        current["kind"] = ""

    lines = [
        f"CPU per write request, in process: database {args.database}, {n} calls per line "
        f"after 30 warm-up, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other load present when above ~0.5)",
        "Redis: shared rate limiter, sessions and roles remembered"
        if with_redis
        else "no Redis: in-process rate limiter, sessions and roles looked up",
        "",
        f"{'':<44} {'app CPU':>8} {'pg CPU':>8} {'wall':>8}   (ms per call)",
        *[f"{name:<44} {a:8.3f} {p:8.3f} {w:8.3f}" for name, (a, p, w) in rows],
    ]
    for kind, shapes in timings.items():
        total = sum(len(v) for v in shapes.values()) / samples
        lines += [
            "",
            f"SQL statements of one taskhub {kind} ({total:.1f} per request; count x mean ms):",
        ]
        for shape, values in sorted(shapes.items(), key=lambda kv: -len(kv[1])):
            mean = 1000 * sum(values) / len(values)
            lines.append(f"  {len(values) / samples:4.1f} x {mean:6.3f}  {shape}")
    if args.cprofile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not wall: waits excluded
        profiler.enable()
        for _ in range(n):
            taskhub.create()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(45)
        lines += ["", "cProfile of taskhub's POST /tasks (CPU), by cumulative then own time:"]
        lines.append(out.getvalue())
    tag = f"-{args.tag}" if args.tag else ""
    target = RESULTS_DIR / f"writes-profile-{datetime.now(UTC):%Y-%m-%d}{tag}.txt"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    say(f"wrote {target}")
    engine.dispose()


if __name__ == "__main__":
    main()
