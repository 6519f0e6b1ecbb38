"""HTTP benchmark of the writes: taskhub's task create, title PATCH with If-Match and
comment create against the same-work baseline (bench/baseline_writes.py), side by side.

    .venv/bin/python bench/run_writes.py --note "quiet machine"          # ~8 minutes
    .venv/bin/python bench/run_writes.py --kinds create --modes one --rounds 1 --note busy
    .venv/bin/python bench/run_writes.py --worker-class gthread --threads 4 --tag gthread

Targets (issue 22): taskhub >= 0.7 of the baseline's req/s and p99 <= 1.5x the
baseline's, for each write, with 32 connections into one project of one organization
(one number sequence, one audit chain: the worst case); the same is reported with the
32 connections spread over 8 organizations (one project each).

What it does, all on loopback, stopping every process it started:

1. Builds `taskhub_bench_writes` (10,000 tasks, bench/build_tasks.py) when missing,
   inserts a live session for its owner and mints an access token.
2. Starts taskhub under gunicorn (`--workers`, `--worker-class`, `--threads`; default
   2 sync workers, as bench/run_http.py), with Redis and RabbitMQ when they answer (as
   deployed: the web processes only serve), `taskhub worker` beside it (the outbox relay
   and every consumer), and the baseline (2 sync workers, one psycopg connection each).
3. Makes sure the 7 other organizations exist (`bench-writes-2..8`, created through
   taskhub's API by the same owner, one project `W<n>` each with 250 tasks).
4. For each write kind and each mode (`one`: the biggest project of the bench org;
   `spread`: the 8 organizations, connection traffic taken in turn), ROUNDS rounds,
   the order of baseline and taskhub alternated, DURATION s each, wrk with CONNECTIONS
   connections and one thread: creates carry a fresh Idempotency-Key each; PATCH goes
   to the mode's tasks in turn with `If-Match` the version that task will have then
   (each task's versions are read from the database just before a run; up to 6,000
   tasks per mode, so no two requests in flight touch one task, and a run rarely
   comes back to a task: a request wrk generates but never delivers, when a
   connection closes under it, would make that task's next If-Match wrong); comments
   go to the mode's tasks in turn with a fresh key. Non-2xx answers are counted in the report (the
   first few printed); after each run the server is left to answer what wrk left
   queued before anything is read for the next.
5. Around every run it reads the CPU time of the web processes (the gunicorn group),
   of the worker's process and of the database's PostgreSQL backends; after a taskhub
   run it waits until the outbox is relayed (at most 60 s) and the consumers have
   recorded nothing new for a second before reading the worker, so the worker's CPU
   covers every event the run made. CPU per request is the measure
   other load on the host disturbs least; req/s on a shared 2-core host is mostly "who
   got the CPU", so `--note` records the machine state (and the load average is printed).
6. Writes bench/results/writes-<date>[-tag].md: every run (none left out), medians,
   ratios and verdicts.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    BENCH_DIR,
    REPO_ROOT,
    RESULTS_DIR,
    WRITES_DB,
    bench_facts,
    broker_reachable,
    conninfo,
    database_exists,
    mint_access_token,
    redis_reachable,
    say,
    start_session,
)
from run_http import (
    _STARTED,
    DatabaseCpu,
    Result,
    Server,
    _ms,
    _on_signal,
    _proc_cpu,
    ensure_database,
    ensure_wrk,
    free_port,
    group_cpu,
    gunicorn_path,
    start,
    stop_all,
    taskhub_env,
)

TARGET_RPS_RATIO = 0.7
TARGET_P99_RATIO = 1.5
KINDS = ("create", "patch", "comment")
MODES = ("one", "spread")
TARGETS_PER_MODE = 6000
EXTRA_TASKS = 250


@dataclass
class Site:
    """Where a mode's writes go: per organization, its project and its tasks."""

    org_id: uuid.UUID
    project_id: uuid.UUID
    task_ids: list[uuid.UUID]


# ----------------------------------------------------------------------------- http
def call(port: int, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if method == "POST":
        headers["Idempotency-Key"] = uuid.uuid4().hex
    try:
        conn.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, json.loads(raw) if raw else None
    finally:
        conn.close()


def wait_up(server: Server, token: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process and server.process.poll() is not None:
            raise SystemExit(
                f"{server.name} exited; see {server.log}:\n{server.log.read_text()[-3000:]}"
            )
        try:
            call(server.port, "GET", "/api/v1/orgs", token)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{server.name} not ready after {timeout:.0f}s; see {server.log}")


def ensure_sites(port: int, token: str, dbname: str, orgs: int) -> dict[str, list[Site]]:
    """The bench org's biggest project, and `orgs - 1` more organizations, made once."""
    facts = bench_facts(dbname)
    with psycopg.connect(conninfo(dbname)) as conn:
        live = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM work_tasks WHERE org_id = %s AND project_id = %s AND deleted_at "
                "IS NULL ORDER BY created_at DESC LIMIT %s",
                (facts.org_id, facts.big_project_id, TARGETS_PER_MODE),
            )
        ]
    one = [Site(facts.org_id, facts.big_project_id, live)]
    spread = [Site(facts.org_id, facts.big_project_id, live[: TARGETS_PER_MODE // orgs])]
    for n in range(2, orgs + 1):
        slug = f"bench-writes-{n}"
        with psycopg.connect(conninfo(dbname)) as conn:
            row = conn.execute(
                "SELECT o.id, p.id FROM tenancy_organizations o JOIN work_projects p "
                "ON p.org_id = o.id WHERE o.slug = %s",
                (slug,),
            ).fetchone()
        if row is None:
            status, org = call(
                port, "POST", "/api/v1/orgs", token, {"name": f"Bench writes {n}", "slug": slug}
            )
            if status != 201:
                raise SystemExit(f"creating {slug}: HTTP {status} {org}")
            status, project = call(
                port,
                "POST",
                f"/api/v1/orgs/{org['id']}/projects",
                token,
                {"name": f"Writes {n}", "key": f"W{n}"},
            )
            if status != 201:
                raise SystemExit(f"creating project in {slug}: HTTP {status} {project}")
            for start_at in range(0, EXTRA_TASKS, 100):
                ops = [
                    {
                        "op": "create",
                        "data": {"project_id": project["id"], "title": f"seed task {start_at + i}"},
                    }
                    for i in range(min(100, EXTRA_TASKS - start_at))
                ]
                status, out = call(
                    port,
                    "POST",
                    f"/api/v1/orgs/{org['id']}/tasks/batch",
                    token,
                    {"operations": ops},
                )
                if status != 200:
                    raise SystemExit(f"seeding {slug}: HTTP {status} {out}")
            row = (uuid.UUID(org["id"]), uuid.UUID(project["id"]))
        with psycopg.connect(conninfo(dbname)) as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM work_tasks WHERE org_id = %s AND project_id = %s AND "
                    "deleted_at IS NULL ORDER BY created_at LIMIT %s",
                    (row[0], row[1], TARGETS_PER_MODE // orgs),
                )
            ]
        spread.append(Site(row[0], row[1], ids))
    return {"one": one, "spread": spread}


# ------------------------------------------------------------------------- requests
def _q(text: str) -> str:
    return "[==[" + text + "]==]"


def lua_script(kind: str, sites: list[Site], token: str, dbname: str) -> str:
    """A wrk script sending `kind` to the sites in turn (see the module docstring)."""
    rows: list[str] = []
    if kind == "create":
        for site in sites:
            rows.append(
                "{"
                + _q(f"/api/v1/orgs/{site.org_id}/tasks")
                + ", "
                + _q(json.dumps({"project_id": str(site.project_id), "title": "bench "}))
                + ", 0}"
            )
    else:
        versions: dict[uuid.UUID, int] = {}
        if kind == "patch":
            with psycopg.connect(conninfo(dbname)) as conn:
                for site in sites:
                    for task_id, version in conn.execute(
                        "SELECT id, version FROM work_tasks WHERE org_id = %s AND id = ANY(%s)",
                        (site.org_id, site.task_ids),
                    ):
                        versions[task_id] = version
        longest = max(len(s.task_ids) for s in sites)
        for i in range(longest):  # interleaved, so the orgs take turns
            for site in sites:
                if i >= len(site.task_ids):
                    continue
                task_id = site.task_ids[i]
                path = f"/api/v1/orgs/{site.org_id}/tasks/{task_id}"
                if kind == "comment":
                    rows.append(
                        "{"
                        + _q(path + "/comments")
                        + ", "
                        + _q('{"body": "bench comment"}')
                        + ", 0}"
                    )
                else:
                    rows.append(
                        "{"
                        + _q(path)
                        + ", "
                        + _q('{"title": "bench edit"}')
                        + ", "
                        + str(versions[task_id])
                        + "}"
                    )
    method = {"create": "POST", "patch": "PATCH", "comment": "POST"}[kind]
    run_id = secrets.token_hex(4)
    return (
        "local targets = {\n" + ",\n".join(rows) + "\n}\n"
        "local n = #targets\nlocal i = 0\n"
        f"request = function()\n"
        "  local t = targets[(i % n) + 1]\n"
        "  local pass = math.floor(i / n)\n"
        f'  local h = {{["Authorization"] = {_q("Bearer " + token)}, '
        '["Content-Type"] = "application/json"}\n'
        + (
            "  h[\"If-Match\"] = '\"' .. (t[3] + pass) .. '\"'\n"
            if kind == "patch"
            else f'  h["Idempotency-Key"] = "{run_id}-" .. i\n'
        )
        + "  local body = t[2]\n"
        + ("  body = string.sub(body, 1, -3) .. i .. '\"}'\n" if kind == "create" else "")
        + "  i = i + 1\n"
        f"  return wrk.format({_q(method)}, t[1], h, body)\n"
        "end\n"
        "local shown = 0\n"
        "response = function(status, headers, body)\n"
        "  if status >= 300 and shown < 3 then\n"
        "    shown = shown + 1\n"
        '    io.write("failed: " .. status .. " " .. string.sub(body, 1, 300) .. "\\n")\n'
        "  end\n"
        "end\n"
    )


def unrelayed(dbname: str) -> int:
    with psycopg.connect(conninfo(dbname)) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM platform_outbox WHERE published_at IS NULL"
            ).fetchone()[0]
        )


def consumed(dbname: str) -> int:
    with psycopg.connect(conninfo(dbname)) as conn:
        row = conn.execute("SELECT count(*) FROM platform_consumed_events").fetchone()
        return int(row[0])


@dataclass
class Run:
    kind: str
    mode: str
    result: Result
    worker_cpu_ms: float = float("nan")
    drain_s: float = float("nan")


def measure(
    wrk: str,
    server: Server,
    kind: str,
    mode: str,
    sites: list[Site],
    token: str,
    args: argparse.Namespace,
    dbcpu: DatabaseCpu,
    worker: subprocess.Popen[bytes] | None,
    seconds: int,
) -> Run:
    assert server.process is not None
    script = lua_script(kind, sites, token, args.database)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    wk0 = _proc_cpu(worker.pid) if worker else 0.0
    app0, db0 = group_cpu(server.process.pid), dbcpu.sample()
    try:
        result = run_wrk_script(wrk, server, args.connections, seconds, f"{kind}/{mode}", f.name)
    finally:
        os.unlink(f.name)
    settle(server)  # the requests wrk left queued are answered before anything is read
    app1, db1 = group_cpu(server.process.pid), dbcpu.sample()
    run = Run(kind, mode, result)
    n = max(1, result.requests)
    result.app_cpu_ms = 1000 * (app1 - app0) / n
    result.db_cpu_ms = 1000 * sum(v - db0.get(pid, 0.0) for pid, v in db1.items()) / n
    if worker is not None:
        began = time.monotonic()
        while unrelayed(args.database) and time.monotonic() - began < 60:
            time.sleep(0.25)
        run.drain_s = time.monotonic() - began
        last = consumed(args.database)  # the consumers behind the relay: until they rest
        while time.monotonic() - began < 90:
            time.sleep(1.0)
            now = consumed(args.database)
            if now == last:
                break
            last = now
        run.worker_cpu_ms = 1000 * (_proc_cpu(worker.pid) - wk0) / n
    say(
        f"  {kind:<8}{mode:<7}{server.name:<9} {result.rps:7.1f} req/s  p50 {result.p50_ms:7.1f}"
        f"  p99 {result.p99_ms:7.1f} ms  CPU/req web {result.app_cpu_ms:5.2f} db "
        f"{result.db_cpu_ms:5.2f} worker {run.worker_cpu_ms:5.2f} ms"
        + (f"  ERRORS {result.errors}" if result.errors else "")
    )
    if result.errors:  # kept in the report, marked; the failures are printed
        say("\n".join(line for line in result.raw.splitlines() if line.startswith("failed:")))
    return run


def settle(server: Server, quiet: float = 1.0, timeout: float = 20.0) -> None:
    """Wait until the server's processes stop using CPU: when wrk stops, the requests
    queued in the listen backlog are still answered, and a PATCH among them moves a
    task's version after the next run has read it."""
    assert server.process is not None
    began = time.monotonic()
    last = group_cpu(server.process.pid)
    while time.monotonic() - began < timeout:
        time.sleep(quiet)
        now = group_cpu(server.process.pid)
        if now - last < 0.05 * quiet:
            return
        last = now


def run_wrk_script(
    wrk: str, server: Server, connections: int, seconds: int, mode: str, script: str
) -> Result:
    argv = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        script,
        f"http://127.0.0.1:{server.port}/",
    ]
    out = subprocess.run(
        argv, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += int(sock.group(1)) + int(sock.group(3)) + int(sock.group(4))
    return Result(server.name, mode, connections, rps, p50, p99, requests, errors, raw=out)


# --------------------------------------------------------------------------- report
def write_report(
    args: argparse.Namespace,
    runs: list[Run],
    load_before: tuple[float, ...],
    started: float,
    config: str,
) -> Path:
    def med(kind: str, mode: str, server: str, attr: str) -> float:
        values = [
            getattr(r.result, attr) if hasattr(r.result, attr) else getattr(r, attr)
            for r in runs
            if r.kind == kind and r.mode == mode and r.result.server == server
        ]
        return statistics.median(values) if values else float("nan")

    lines = [
        f"# Writes: taskhub vs the same-work baseline, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine state: **{args.note or 'not stated'}**; load average before "
        f"{load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}, after "
        f"{os.getloadavg()[0]:.2f} (2 CPUs: above ~1 means other work shares them).",
        f"Command: `{' '.join([Path(sys.executable).name, *sys.argv])}`; took "
        f"{(time.monotonic() - started) / 60:.1f} min. Code: `{_git_head()}`.",
        f"taskhub: {config}; baseline: gunicorn 2 sync workers. {args.connections} connections, "
        f"wrk 1 thread, {args.duration} s per run, database {args.database}.",
        "",
        "## Every run",
        "",
        "| write | mode | app | req/s | p50 ms | p99 ms | requests | CPU/req web ms | "
        "db ms | worker ms | outbox drained after s | non-2xx |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        x = r.result
        lines.append(
            f"| {r.kind} | {r.mode} | {x.server} | {x.rps:.1f} | {x.p50_ms:.1f} | {x.p99_ms:.1f}"
            f" | {x.requests} | {x.app_cpu_ms:.2f} | {x.db_cpu_ms:.2f} | {r.worker_cpu_ms:.2f}"
            f" | {r.drain_s:.1f} | {x.errors} |"
        )
    lines += [
        "",
        "## Medians and verdicts",
        "",
        f"Targets: taskhub/baseline req/s >= {TARGET_RPS_RATIO}, p99 <= {TARGET_P99_RATIO}x "
        "(mode `one`; `spread` reported).",
        "",
        "| write | mode | req/s taskhub / baseline | ratio | p99 taskhub / baseline | ratio | "
        "CPU/req web+db taskhub / baseline ms | worker ms/event | verdict |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind in args.kinds:
        for mode in args.modes:
            t_rps, b_rps = med(kind, mode, "taskhub", "rps"), med(kind, mode, "baseline", "rps")
            t_p99, b_p99 = (
                med(kind, mode, "taskhub", "p99_ms"),
                med(kind, mode, "baseline", "p99_ms"),
            )
            t_cpu = med(kind, mode, "taskhub", "app_cpu_ms") + med(
                kind, mode, "taskhub", "db_cpu_ms"
            )
            b_cpu = med(kind, mode, "baseline", "app_cpu_ms") + med(
                kind, mode, "baseline", "db_cpu_ms"
            )
            worker = med(kind, mode, "taskhub", "worker_cpu_ms")
            ok = t_rps / b_rps >= TARGET_RPS_RATIO and t_p99 / b_p99 <= TARGET_P99_RATIO
            lines.append(
                f"| {kind} | {mode} | {t_rps:.0f} / {b_rps:.0f} | {t_rps / b_rps:.2f} | "
                f"{t_p99:.0f} / {b_p99:.0f} | {t_p99 / b_p99:.2f} | {t_cpu:.2f} / {b_cpu:.2f} | "
                f"{worker:.2f} | {'met' if ok else 'MISSED'} |"
            )
    tag = f"-{args.tag}" if args.tag else ""
    out = RESULTS_DIR / f"writes-{datetime.now(UTC):%Y-%m-%d}{tag}.md"
    if out.exists():  # every run is kept: a second report of the day goes below the first
        lines = [out.read_text().rstrip(), "", "---", "", *lines]
    out.write_text("\n".join(lines) + "\n")
    return out


def _git_head() -> str:
    try:
        return subprocess.run(
            ["git", "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            check=True,
        ).stdout.strip()[:90]
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ------------------------------------------------------------------------------ main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=WRITES_DB)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--orgs", type=int, default=8)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--workers", type=int, default=2, help="taskhub's gunicorn workers")
    parser.add_argument(
        "--worker-class",
        default="sync",
        help="sync, gthread, or taskhub.entrypoints.gunicorn_worker.EdgeWorker",
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--broker-url", default="amqp://guest:guest@127.0.0.1:5672//")
    parser.add_argument("--note", default="", help="the machine state, written in the report")
    parser.add_argument("--tag", default="")
    args = parser.parse_args()
    args.kinds = [k for k in args.kinds.split(",") if k]
    args.modes = [m for m in args.modes.split(",") if m]
    started, load_before = time.monotonic(), os.getloadavg()

    wrk = ensure_wrk()
    if wrk is None:
        raise SystemExit("run_writes.py needs wrk (apt-get install wrk)")
    gunicorn = gunicorn_path()
    redis_url = args.redis_url if redis_reachable(args.redis_url) else None
    broker_url = args.broker_url if broker_reachable(args.broker_url) else None
    if not database_exists(args.database):
        ensure_database(args.database, args.tasks, False)
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    secret = secrets.token_urlsafe(48)
    workdir = Path(tempfile.mkdtemp(prefix="taskhub-writes-"))
    facts = bench_facts(args.database)
    token = mint_access_token(
        secret, facts.owner_id, start_session(args.database, facts.owner_id, "bench/run_writes")
    )
    metrics = workdir / "metrics"
    metrics.mkdir()
    env = taskhub_env(args.database, secret, metrics, redis_url, broker_url)
    common = [
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "--error-logfile",
        "-",
    ]
    taskhub_argv = [
        gunicorn,
        "-w",
        str(args.workers),
        "-k",
        args.worker_class,
        "--threads",
        str(args.threads),
        *common,
    ]
    config = (
        f"gunicorn {args.workers} x {args.worker_class}"
        + (f", {args.threads} threads" if args.threads > 1 else "")
        + f", Redis {'on' if redis_url else 'off'}, broker "
        + ("RabbitMQ + `taskhub worker`" if broker_url else "in-process (no worker)")
    )
    th = Server("taskhub", "taskhub", args.database, free_port(), token, "/", workdir / "th.log")
    bl = Server("baseline", "baseline", args.database, free_port(), token, "/", workdir / "bl.log")
    start(
        th,
        env,
        [*taskhub_argv, "-b", f"127.0.0.1:{th.port}", "taskhub.entrypoints.wsgi:application()"],
    )
    start(
        bl,
        {**os.environ, "TASKHUB_SECRET_KEY": secret, "BENCH_DATABASE_DSN": conninfo(args.database)},
        [
            gunicorn,
            "-w",
            "2",
            "-k",
            "sync",
            *common,
            "-b",
            f"127.0.0.1:{bl.port}",
            "--chdir",
            str(BENCH_DIR),
            "baseline_writes:create_app()",
        ],
    )
    worker: subprocess.Popen[bytes] | None = None
    if broker_url:
        log = (workdir / "worker.log").open("wb")
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "taskhub"), "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO_ROOT,
            start_new_session=True,
        )
        _STARTED.append(worker)
    say(f"servers starting (logs in {workdir}); {config}")
    wait_up(th, token)
    wait_up(bl, token)
    sites = ensure_sites(th.port, token, args.database, args.orgs)
    dbcpu = DatabaseCpu(args.database)
    runs: list[Run] = []
    say(f"warm-up, {args.warmup}s each")
    for server in (th, bl):
        for kind in args.kinds:
            measure(
                wrk,
                server,
                kind,
                "one",
                sites["one"],
                token,
                args,
                dbcpu,
                worker if server is th else None,
                args.warmup,
            )
    for kind in args.kinds:
        for mode in args.modes:
            for r in range(args.rounds):
                order = (th, bl) if r % 2 == 0 else (bl, th)
                for server in order:
                    runs.append(
                        measure(
                            wrk,
                            server,
                            kind,
                            mode,
                            sites[mode],
                            token,
                            args,
                            dbcpu,
                            worker if server is th else None,
                            args.duration,
                        )
                    )
    dbcpu.close()
    stop_all()
    out = write_report(args, runs, load_before, started, config)
    print(out.read_text())
    say(f"wrote {out}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
