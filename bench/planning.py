"""HTTP benchmark of planning: the board and cycle list pages against the plain list, and
`POST /tasks/{id}/move` against a single-task `PATCH`.

    .venv/bin/python bench/planning.py                       # taskhub_bench (1,000,000 tasks)
    .venv/bin/python bench/planning.py taskhub_bench_10k --tag 10k-smoke

Targets: `sort=rank` and `cycle_id` pages within 1.2x the p50 of the plain list; `move`
at >= 70% of a single-task PATCH's req/s.

It runs against a database built by bench/build_tasks.py (never builds one) and starts
taskhub as bench/run_http.py does (gunicorn, 2 sync workers, Redis and RabbitMQ when
they answer, rate limits out of reach), then:

1. Lists, one connection (service time): `project_id=<biggest project>` (plain),
   the same with `sort=rank`, with `cycle_id=<that project's busiest cycle>`, and with
   both (reported, no target), `limit=50`, ROUNDS rounds of LATENCY_DURATION s each,
   the order rotated every round. It first checks each page: 200, 50 tasks, in rank
   order for `sort=rank`, all of the cycle for `cycle_id`. The verdict is the median
   over rounds of each round's p50 ratio to the plain list of the same round.
2. Writes, CONNECTIONS connections: `move` and `PATCH {"title"}` in alternated order,
   ROUNDS rounds of DURATION s each. Every request goes to a task no other request in
   flight touches: the project's live tasks in rank order are cut in runs of four
   consecutive tasks (a, b, c, d, no deleted task among them); a move takes b after c
   (its rank lands between c's and d's), or back before c (between a's and c's) on
   the next pass over the list, so no rank is rewritten twice the same way and nothing
   needs resetting. PATCH edits the title of a task of its own list, a new one each
   run. The verdict is the median over rounds of move req/s / PATCH req/s.
3. Writes bench/results/planning-<tag>.md (tag default: the date) with the command,
   the host, every run, the medians, the ratios and the verdicts.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import secrets
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_DB,
    RESULTS_DIR,
    bench_facts,
    broker_reachable,
    busiest_cycle,
    conninfo,
    database_exists,
    mint_access_token,
    redis_reachable,
    say,
    start_session,
)
from run_http import (
    DatabaseCpu,
    Result,
    Server,
    Writes,
    _on_signal,
    _row,
    ensure_wrk,
    environment_lines,
    every_run,
    free_port,
    get,
    gunicorn_argv,
    gunicorn_path,
    load,
    start,
    stop_all,
    taskhub_env,
    wait_ready,
)

TARGET_LIST_RATIO = 1.2
TARGET_MOVE_RATIO = 0.70
LISTS = ("plain", "sort=rank", "cycle_id", "cycle_id+sort=rank")
TARGETED = ("sort=rank", "cycle_id")


def list_paths(org: uuid.UUID, project: uuid.UUID, cycle: uuid.UUID) -> dict[str, str]:
    base = f"/api/v1/orgs/{org}/tasks?project_id={project}&limit=50"
    return {
        "plain": base,
        "sort=rank": f"{base}&sort=rank",
        "cycle_id": f"{base}&cycle_id={cycle}",
        "cycle_id+sort=rank": f"{base}&cycle_id={cycle}&sort=rank",
    }


def check_page(server: Server, name: str, cycle: uuid.UUID) -> None:
    """The page is what its name says, or the numbers would measure something else."""
    status, body = get(server)
    if status != 200:
        raise SystemExit(f"{name}: HTTP {status} {body[:300]!r}")
    items = json.loads(body)["items"]
    if len(items) != 50:
        raise SystemExit(f"{name}: {len(items)} tasks, not a full page")
    if "rank" in name:
        ranks = [item["rank"].encode() for item in items]
        if ranks != sorted(ranks):
            raise SystemExit(f"{name}: the page is not in rank order")
    if "cycle" in name and any(item["cycle_id"] != str(cycle) for item in items):
        raise SystemExit(f"{name}: a task of another cycle")


def write_targets(dbname: str, project: uuid.UUID, limit: int) -> tuple[list[Any], list[Any]]:
    """Runs of four consecutive live tasks (a, b, c, d) by rank, and whether b is still
    before c (a move goes after c then) or already after it (it goes back before c)."""
    with psycopg.connect(conninfo(dbname)) as conn:
        rows = conn.execute(
            "SELECT id, deleted_at IS NULL, rank FROM work_tasks WHERE project_id = %s "
            "ORDER BY rank, id",
            (project,),
        ).fetchall()
    runs = []
    for k in range(0, len(rows) - 3, 4):
        window = rows[k : k + 4]
        if all(live for _, live, _ in window):
            runs.append([task_id for task_id, _, _ in window])
    return runs[:limit], rows


def move_writes(org: uuid.UUID, dbname: str, project: uuid.UUID, limit: int) -> Writes:
    """Read at the start of every run, so each task's next move starts from where the
    previous runs left it (the rank order of a, b, c, d says which way)."""
    runs, _ = write_targets(dbname, project, limit)
    with psycopg.connect(conninfo(dbname)) as conn:
        rank = dict(
            conn.execute(
                "SELECT id, rank FROM work_tasks WHERE project_id = %s", (project,)
            ).fetchall()
        )
    targets = []
    for _a, b, c, _d in runs:
        after = json.dumps({"after_id": str(c)})
        before = json.dumps({"before_id": str(c)})
        path = f"/api/v1/orgs/{org}/tasks/{b}/move"
        # After the first pass b sits between c and d; its ranks stay inside a..d.
        if rank[b].encode() < rank[c].encode():
            targets.append((path, after, before))
        else:
            targets.append((path, before, after))
    return Writes("POST", targets)


def patch_writes(org: uuid.UUID, dbname: str, project: uuid.UUID, limit: int, run: int) -> Writes:
    runs, _ = write_targets(dbname, project, limit)
    tag = uuid.uuid4().hex[:8]
    targets = [
        (
            f"/api/v1/orgs/{org}/tasks/{a}",
            json.dumps({"title": f"planning bench {run} {tag} even"}),
            json.dumps({"title": f"planning bench {run} {tag} odd"}),
        )
        for a, _b, _c, _d in runs
    ]
    return Writes("PATCH", targets)


def median_of(results: list[Result], server: str, attr: str) -> float:
    values = [getattr(r, attr) for r in results if r.server == server]
    return statistics.median(values) if values else float("nan")


def per_round(results: list[Result], top: str, bottom: str, attr: str) -> list[float]:
    tops = [getattr(r, attr) for r in results if r.server == top]
    bottoms = [getattr(r, attr) for r in results if r.server == bottom]
    return [t / b for t, b in zip(tops, bottoms, strict=True)]


def report(
    args: argparse.Namespace,
    results: list[Result],
    header: list[str],
    facts: dict[str, Any],
    started: float,
) -> Path:
    lines = [
        f"# Planning over HTTP, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        *([f"**{args.note}**", ""] if args.note else []),
        "Command: `" + shlex.join([".venv/bin/python", "bench/planning.py", *sys.argv[1:]]) + "`, "
        f"{time.monotonic() - started:.0f}s in all.",
        "",
        *header,
        f"- data: `{args.database}` ({facts['tasks']:,} tasks; biggest project "
        f"{facts['project_tasks']:,} tasks, its busiest cycle {facts['cycle_tasks']:,}); "
        f"{facts['write_targets']:,} runs of four tasks for the writes",
        "",
        f"## Lists, one connection, {args.rounds} rounds x {args.latency_duration}s",
        "",
        _row("page", "req/s", "p50 ms", "p99 ms", "CPU/req app ms", "CPU/req db ms", "p50/run"),
        _row("---", *["---:"] * 5, "---"),
    ]
    lat = [r for r in results if r.mode == "latency"]
    for name in LISTS:
        runs = [r for r in lat if r.server == name]
        lines.append(
            _row(
                name,
                f"{median_of(runs, name, 'rps'):.0f}",
                *(f"{median_of(runs, name, a):.2f}" for a in ("p50_ms", "p99_ms")),
                *(f"{median_of(runs, name, a):.2f}" for a in ("app_cpu_ms", "db_cpu_ms")),
                ", ".join(f"{r.p50_ms:.2f}" for r in runs),
            )
        )
    lines.append("")
    for name in LISTS[1:]:
        ratios = per_round(lat, name, "plain", "p50_ms")
        ratio = statistics.median(ratios)
        target = (
            f"target <= {TARGET_LIST_RATIO}x: "
            + ("meets" if ratio <= TARGET_LIST_RATIO else "MISSES")
            if name in TARGETED
            else "no target"
        )
        lines.append(
            f"- **{name} / plain, p50: {ratio:.2f}x** ({target}); per round: "
            + ", ".join(f"{x:.2f}" for x in ratios)
        )
    wr = [r for r in results if r.mode == "writes"]
    lines += [
        "",
        f"## Writes, {args.connections} connections, {args.rounds} rounds x {args.duration}s, "
        "order alternated",
        "",
        _row(
            "request", "req/s", "p50 ms", "p99 ms", "CPU/req app ms", "CPU/req db ms", "req/s/run"
        ),
        _row("---", *["---:"] * 5, "---"),
    ]
    for name in ("move", "patch"):
        lines.append(
            _row(
                name,
                f"{median_of(wr, name, 'rps'):.0f}",
                *(
                    f"{median_of(wr, name, a):.2f}"
                    for a in ("p50_ms", "p99_ms", "app_cpu_ms", "db_cpu_ms")
                ),
                ", ".join(f"{r.rps:.0f}" for r in wr if r.server == name),
            )
        )
    ratios = per_round(wr, "move", "patch", "rps")
    ratio = statistics.median(ratios)
    cpu = median_of(wr, "patch", "cpu_ms") / median_of(wr, "move", "cpu_ms")
    lines += [
        "",
        f"- **move / PATCH req/s: {ratio:.2f}** (target >= {TARGET_MOVE_RATIO}: "
        + ("meets" if ratio >= TARGET_MOVE_RATIO else "MISSES")
        + "); per round: "
        + ", ".join(f"{x:.2f}" for x in ratios)
        + f"; by CPU per request (app + db): {cpu:.2f}",
        "",
        *every_run(results),
    ]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"planning-{args.tag or f'{datetime.now(UTC):%Y-%m-%d}'}.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", nargs="?", default=DEFAULT_DB)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency-duration", type=int, default=8, help="seconds per list run")
    parser.add_argument("--duration", type=int, default=15, help="seconds per write run")
    parser.add_argument("--connections", type=int, default=4, help="for the writes")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--write-targets", type=int, default=60_000, help="runs of four tasks")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--broker-url", default="amqp://guest:guest@127.0.0.1:5672//")
    parser.add_argument("--tag", default="", help="results go to planning-<tag>.md")
    parser.add_argument("--note", default="", help="a line put first in the report")
    args = parser.parse_args()
    started, load_before = time.monotonic(), os.getloadavg()
    if not database_exists(args.database):
        raise SystemExit(f"{args.database} does not exist: run bench/build_tasks.py first")
    wrk = ensure_wrk()
    redis_url = args.redis_url if redis_reachable(args.redis_url) else None
    broker_url = args.broker_url if broker_reachable(args.broker_url) else None

    facts = bench_facts(args.database)
    project = facts.big_project_id
    cycle, cycle_tasks = busiest_cycle(args.database, project)
    secret = secrets.token_urlsafe(48)
    token = mint_access_token(
        secret, facts.owner_id, start_session(args.database, facts.owner_id, "bench/planning")
    )
    workdir = Path(tempfile.mkdtemp(prefix="taskhub-planning-"))
    (workdir / "metrics").mkdir()
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    paths = list_paths(facts.org_id, project, cycle)
    port = free_port()
    servers = {
        name: Server(name, "taskhub", args.database, port, token, path, workdir / "taskhub.log")
        for name, path in {**paths, "move": paths["plain"], "patch": paths["plain"]}.items()
    }
    first = servers["plain"]
    env = taskhub_env(args.database, secret, workdir / "metrics", redis_url, broker_url)
    argv = [*gunicorn_argv(gunicorn_path(), "sync"), "-b", f"127.0.0.1:{port}"]
    start(first, env, [*argv, "taskhub.entrypoints.wsgi:application()"])
    for server in servers.values():
        server.process = first.process
    wait_ready(first)
    for name in LISTS:
        check_page(servers[name], name, cycle)
    say("the four pages answer as their names say")

    cpu = DatabaseCpu(args.database)
    for name in LISTS:
        load(wrk, servers[name], 1, args.warmup, "warm-up", cpu)
    results: list[Result] = []
    for r in range(args.rounds):
        order = LISTS[r % len(LISTS) :] + LISTS[: r % len(LISTS)]
        for name in order:
            results.append(load(wrk, servers[name], 1, args.latency_duration, "latency", cpu))
    for r in range(args.rounds):
        for name in ("move", "patch") if r % 2 == 0 else ("patch", "move"):
            writes = (
                move_writes(facts.org_id, args.database, project, args.write_targets)
                if name == "move"
                else patch_writes(facts.org_id, args.database, project, args.write_targets, r)
            )
            results.append(
                load(wrk, servers[name], args.connections, args.duration, "writes", cpu, writes)
            )
    cpu.close()
    stop_all()
    with psycopg.connect(conninfo(args.database)) as conn:
        project_tasks = conn.execute(
            "SELECT next_number FROM work_projects WHERE id = %s", (project,)
        ).fetchone()[0]
    out = report(
        args,
        results,
        environment_lines(wrk, redis_url, broker_url, "sync", load_before, args.database),
        {
            "tasks": facts.task_count,
            "project_tasks": project_tasks,
            "cycle_tasks": cycle_tasks,
            "write_targets": len(write_targets(args.database, project, args.write_targets)[0]),
        },
        started,
    )
    say(f"wrote {out}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
