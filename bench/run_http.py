"""HTTP benchmark of the task list: taskhub against a hand-written baseline, and taskhub
at 10,000 against 1,000,000 tasks.

    .venv/bin/python bench/run_http.py            # ~6 minutes once the databases exist

What it does, all on loopback, stopping by itself and stopping every process it started:

1. Checks its tools: wrk (installs the Debian package when running as root with
   apt-get, otherwise falls back to a bounded Python load generator and says so),
   gunicorn in this interpreter's environment, PostgreSQL, and Redis (optional).
2. Builds the benchmark databases with bench/build_tasks.py when they are missing or
   hold another number of tasks (taskhub_bench: 1,000,000; taskhub_bench_10k: 10,000).
3. Inserts a live session for the organization's owner in each database and mints an
   access token for it with the application's own codec.
4. Starts five gunicorn servers (2 sync workers each, like `taskhub serve --workers 2`
   but with the worker class the baseline uses): taskhub (`taskhub.entrypoints.wsgi:
   application()`, with TASKHUB_DATABASE_URL, TASKHUB_SECRET_KEY, TASKHUB_REDIS_URL
   when Redis answers, TASKHUB_BROKER_URL when RabbitMQ answers, rate limits raised
   out of reach, PROMETHEUS_MULTIPROC_DIR as `taskhub serve` sets it) and
   bench/baseline_app.py, each on both databases, plus the baseline with
   BASELINE_CHECKS=full (the same work as taskhub, hand-written) on the 1M database.
   With RabbitMQ, as in production, taskhub's web processes serve and nothing else;
   with the in-process bus each also runs the outbox relay and the event consumer,
   whose polling costs about 5% of a core at rest (`--broker-url none`).
5. Checks that the apps return the same 50 tasks in the same order, every field equal
   (assignees and labels included), on the first page and on the page their own
   next_cursor leads to.
6. Latency, first, so that both taskhub servers have served the same requests (the
   warm-up) when they are compared: LATENCY_ROUNDS rounds, each running taskhub on 10k
   and on 1M back to back, then the baseline on both (for reference), with one
   connection, so the numbers are service time, not queueing; the order within a pair
   alternates between rounds. The verdict is the median over rounds of each pair's p50
   ratio: the two runs of a pair are seconds apart, so a host whose speed drifts over
   minutes (one server's p50 has been seen to fall by a quarter within a run) moves
   both.
7. Throughput: rotates taskhub, baseline and full baseline on the 1M database, ROUNDS x
   DURATION s each, with wrk (CONNECTIONS connections, 1 thread). Around every run it
   reads the CPU time of the server's processes and of the database's PostgreSQL
   backends: CPU per request is the figure other load on the host disturbs least
   (req/s on a busy 2-core host is mostly "who got the CPU").
8. Prints and writes bench/results/http-<date>.md: req/s, p50, p99, CPU per request
   of every run, the medians, taskhub/baseline throughput (target >= 0.75) and 1M/10k
   latency (target <= 1.2).

The request is GET /api/v1/orgs/{org}/tasks?project_id=<biggest project>&limit=50.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

import build_tasks
from _common import (
    BENCH_DIR,
    DEFAULT_DB,
    REPO_ROOT,
    RESULTS_DIR,
    SMALL_DB,
    bench_facts,
    broker_reachable,
    conninfo,
    database_exists,
    mint_access_token,
    redis_reachable,
    say,
    sqlalchemy_url,
    start_session,
)

TARGET_THROUGHPUT_RATIO = 0.75
TARGET_LATENCY_RATIO = 1.2


# ---------------------------------------------------------------------------- tools
def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        say("wrk is missing: installing the Debian package (apt-get install -y wrk)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, env=env)
        found = shutil.which("wrk")
        if found:
            return found
    say(
        "wrk is NOT available (install it: apt-get install wrk); falling back to the "
        "bounded Python load generator, whose own CPU use lowers every number"
    )
    return None


def gunicorn_path() -> str:
    candidate = Path(sys.executable).parent / "gunicorn"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("gunicorn")
    if not found:
        raise SystemExit("gunicorn is missing: pip install gunicorn (in the project's venv)")
    return found


def gunicorn_argv(gunicorn: str, worker_class: str) -> list[str]:
    """gunicorn with 2 workers of `worker_class` (gthread: 4 threads, as `taskhub serve`)."""
    worker_args = ["-k", worker_class] + (["--threads", "4"] if worker_class == "gthread" else [])
    return [
        gunicorn,
        "-w",
        "2",
        *worker_args,
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "--error-logfile",
        "-",
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -------------------------------------------------------------------------- servers
@dataclass
class Server:
    name: str
    app: str  # taskhub | baseline
    database: str
    port: int
    token: str
    path: str
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"


_STARTED: list[subprocess.Popen[bytes]] = []


def stop_all() -> None:
    for proc in _STARTED:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in _STARTED:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    _STARTED.clear()


def _on_signal(signum: int, _frame: Any) -> None:
    stop_all()
    raise SystemExit(128 + signum)


def start(server: Server, env: dict[str, str], argv: list[str]) -> None:
    log = server.log.open("wb")
    server.process = subprocess.Popen(
        argv,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO_ROOT,
        start_new_session=True,
    )
    _STARTED.append(server.process)


def get(server: Server, url: str | None = None) -> tuple[int, bytes]:
    parsed = urllib.parse.urlparse(url or server.url)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(
            "GET",
            parsed.path + ("?" + parsed.query if parsed.query else ""),
            headers={"Authorization": f"Bearer {server.token}"},
        )
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_ready(server: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if server.process and server.process.poll() is not None:
            raise SystemExit(
                f"{server.name} exited; see {server.log}:\n{server.log.read_text()[-3000:]}"
            )
        try:
            status, body = get(server)
            if status == 200:
                return
            last = f"HTTP {status}: {body[:300]!r}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.3)
    raise SystemExit(f"{server.name} not ready after {timeout:.0f}s ({last}); see {server.log}")


def pages(server: Server) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The first page and the page its next_cursor leads to."""
    status, body = get(server)
    if status != 200:
        raise SystemExit(f"{server.name}: HTTP {status} {body[:300]!r}")
    first = json.loads(body)
    query = urllib.parse.urlencode({"cursor": first["next_cursor"]})
    status, body = get(server, f"{server.url}&{query}")
    if status != 200:
        raise SystemExit(f"{server.name} page 2: HTTP {status} {body[:300]!r}")
    return first["items"], json.loads(body)["items"]


def same_pages(a: Server, b: Server) -> None:
    """Both answer with the very same tasks, every field equal, on both pages."""
    if pages(a) != pages(b):
        raise SystemExit(f"{a.name} and {b.name} disagree; the comparison would be void")


# ------------------------------------------------------------------------ CPU use
_CLK = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLK


def group_cpu(pgid: int) -> float:
    """CPU seconds of the live processes of a process group (a gunicorn master and workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += (int(fields[11]) + int(fields[12])) / _CLK
        except (OSError, IndexError, ValueError):
            continue
    return total


class DatabaseCpu:
    """CPU seconds of the PostgreSQL backends connected to one database (same host only)."""

    def __init__(self, dbname: str) -> None:
        self._conn = psycopg.connect(conninfo(dbname), autocommit=True)
        self._db = dbname

    def sample(self) -> dict[int, float]:
        out = {}
        rows = self._conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (self._db,),
        ).fetchall()
        for (pid,) in rows:
            with contextlib.suppress(OSError, IndexError, ValueError):
                out[pid] = _proc_cpu(pid)
        return out

    def close(self) -> None:
        self._conn.close()


# ------------------------------------------------------------------------------ load
@dataclass
class Result:
    server: str
    mode: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    app_cpu_ms: float = float("nan")  # server processes, per request
    db_cpu_ms: float = float("nan")  # the database's backends, per request
    load_cpu_ms: float = float("nan")  # the load generator, per request
    raw: str = field(default="", repr=False)

    @property
    def cpu_ms(self) -> float:
        return self.app_cpu_ms + self.db_cpu_ms


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


@dataclass(frozen=True)
class Writes:
    """Requests with a body, each on its own path, taken in turn: `bodies[k][0]` on even
    passes over the list and `bodies[k][1]` on odd ones, so a write that flips a task's
    state can flip it back without two requests ever touching one task at once."""

    method: str
    targets: list[tuple[str, str, str]]  # (path, body on even passes, body on odd passes)

    def request(self, i: int) -> tuple[str, bytes]:
        path, even, odd = self.targets[i % len(self.targets)]
        return path, (odd if (i // len(self.targets)) % 2 else even).encode()

    def lua(self, token: str) -> str:
        def quote(text: str) -> str:
            return "[==[" + text + "]==]"

        rows = ",\n".join(
            "{" + ", ".join(quote(x) for x in target) + "}" for target in self.targets
        )
        return (
            f"local targets = {{\n{rows}\n}}\n"
            "local n = #targets\nlocal i = 0\n"
            f'local headers = {{["Authorization"] = {quote("Bearer " + token)}, '
            '["Content-Type"] = "application/json"}\n'
            "request = function()\n"
            "  local t = targets[(i % n) + 1]\n"
            "  local body = t[2]\n"
            "  if math.floor(i / n) % 2 == 1 then body = t[3] end\n"
            "  i = i + 1\n"
            f"  return wrk.format({quote(self.method)}, t[1], headers, body)\n"
            "end\n"
        )


def run_wrk(
    wrk: str, server: Server, connections: int, seconds: int, mode: str, writes: Writes | None
) -> Result:
    argv = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        f"Authorization: Bearer {server.token}",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if writes:
            script.write(writes.lua(server.token))
    if writes:
        argv += ["-s", script.name]
    try:
        out = subprocess.run(
            [*argv, server.url], capture_output=True, text=True, timeout=seconds + 60, check=True
        ).stdout
    finally:
        os.unlink(script.name)
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


def run_python_load(
    server: Server, connections: int, seconds: int, mode: str, writes: Writes | None
) -> Result:
    """Fallback: `connections` threads, each one request at a time, for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    sent = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    parsed = urllib.parse.urlparse(server.url)
    target = parsed.path + "?" + parsed.query
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}

    def worker() -> None:
        mine = []
        while time.monotonic() < stop_at:
            method, path, body = "GET", target, None
            if writes:
                with lock:
                    path, body = writes.request(sent[0])
                    sent[0] += 1
                method = writes.method
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except OSError:
                ok = False
            finally:
                conn.close()
            mine.append((time.perf_counter() - started) * 1000)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    elapsed = time.monotonic() - began
    latencies.sort()

    def pick(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))]
            if latencies
            else float("nan")
        )

    return Result(
        server.name,
        mode,
        connections,
        len(latencies) / elapsed,
        pick(0.50),
        pick(0.99),
        len(latencies),
        errors[0],
    )


def load(
    wrk: str | None,
    server: Server,
    connections: int,
    seconds: int,
    mode: str,
    dbcpu: DatabaseCpu,
    writes: Writes | None = None,
) -> Result:
    assert server.process is not None
    app0, db0 = group_cpu(server.process.pid), dbcpu.sample()
    kids0 = os.times()
    if wrk:
        result = run_wrk(wrk, server, connections, seconds, mode, writes)
    else:
        result = run_python_load(server, connections, seconds, mode, writes)
    kids1 = os.times()
    app1, db1 = group_cpu(server.process.pid), dbcpu.sample()
    if result.requests:
        n = result.requests
        result.app_cpu_ms = 1000 * (app1 - app0) / n
        result.db_cpu_ms = 1000 * sum(v - db0.get(pid, 0.0) for pid, v in db1.items()) / n
        if wrk:
            spent = (kids1.children_user + kids1.children_system) - (
                kids0.children_user + kids0.children_system
            )
        else:
            spent = (kids1.user + kids1.system) - (kids0.user + kids0.system)
        result.load_cpu_ms = 1000 * spent / n
    say(
        f"  {mode:<10} {server.name:<22} c={connections:<2} {result.rps:8.1f} req/s  "
        f"p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms  "
        f"CPU/req app {result.app_cpu_ms:5.2f} + db {result.db_cpu_ms:5.2f} ms"
        + (f"  ERRORS {result.errors}" if result.errors else "")
    )
    if result.errors:
        raise SystemExit(f"{server.name}: {result.errors} failed requests; see {server.log}")
    return result


# --------------------------------------------------------------------------- report
def med(results: list[Result], server: str, mode: str, attr: str) -> float:
    values = [getattr(r, attr) for r in results if r.server == server and r.mode == mode]
    return statistics.median(values) if values else float("nan")


def environment_lines(
    wrk: str | None,
    redis_url: str | None,
    broker_url: str | None,
    worker_class: str,
    load_before: tuple[float, float, float],
    database: str = DEFAULT_DB,
) -> list[str]:
    def cmd(*argv: str) -> str:
        try:
            return subprocess.run(
                argv, capture_output=True, text=True, timeout=10, check=False
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    wrk_version = (
        cmd(wrk, "-v").splitlines()[0].split(" Copyright")[0]
        if wrk
        else "none: Python load generator"
    )
    with psycopg.connect(conninfo(database)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0].split(" ")[0]
    limiter = (
        f"TASKHUB_REDIS_URL={redis_url}" if redis_url else "no Redis (in-process rate limiter)"
    )
    dirty = cmd("git", "-C", str(REPO_ROOT), "status", "--porcelain", "--", "src")
    return [
        f"- host: {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, Python "
        f"{platform.python_version()}; load average before the run "
        f"{load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f} (1/5/15 min; "
        "anything above 0 is other work competing for the same cores)",
        f"- PostgreSQL {pg} on 127.0.0.1 (server defaults); load generator {wrk_version}, "
        "on the same host",
        f"- servers: gunicorn, 2 `{worker_class}` workers each; taskhub with "
        f"{limiter}, "
        + (
            f"TASKHUB_BROKER_URL={broker_url} (web processes neither relay nor consume: "
            "that is the worker's job), "
            if broker_url
            else "in-process message bus (memory://: each web process also runs the outbox "
            "relay and the event consumer), "
        )
        + "access log on, rate limits raised out of reach",
        f"- code: {cmd('git', '-C', str(REPO_ROOT), 'rev-parse', '--short', 'HEAD')}"
        + (" plus uncommitted changes under src/" if dirty else ""),
    ]


NAMES = {
    "th1m": "taskhub @ 1M",
    "bl1m": "baseline @ 1M",
    "blf1m": "baseline-full @ 1M",
    "th10k": "taskhub @ 10k",
    "bl10k": "baseline @ 10k",
}


def paired_ratios(results: list[Result], big: str, small: str) -> list[float]:
    """p50 of `big` over p50 of `small`, for each round's pair of latency runs.

    The latency phase runs the two back to back in every round, so the n-th run of one
    and the n-th run of the other form a pair.
    """
    bigs = [r.p50_ms for r in results if r.server == big and r.mode == "latency"]
    smalls = [r.p50_ms for r in results if r.server == small and r.mode == "latency"]
    return [b / s for b, s in zip(bigs, smalls, strict=True)]


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _cells(results: list[Result], name: str, mode: str, attrs: tuple[str, ...]) -> list[str]:
    return [f"{med(results, name, mode, a):.2f}" for a in attrs]


def every_run(results: list[Result]) -> list[str]:
    """The table of every run made, in the order made, for a report's end."""
    header = ("mode", "app", "conns", "req/s", "p50 ms", "p99 ms", "requests")
    return [
        "## Every run",
        "",
        _row(*header, "CPU/req app ms", "CPU/req db ms"),
        _row("---", "---", *["---:"] * 7),
        *(
            _row(
                r.mode,
                r.server,
                r.connections,
                f"{r.rps:.1f}",
                f"{r.p50_ms:.2f}",
                f"{r.p99_ms:.2f}",
                f"{r.requests:,}",
                f"{r.app_cpu_ms:.2f}",
                f"{r.db_cpu_ms:.2f}",
            )
            for r in results
        ),
    ]


def write_report(
    args: argparse.Namespace,
    results: list[Result],
    env_lines: list[str],
    facts: dict[str, Any],
    started: float,
) -> Path:
    big, small = facts["big"], facts["small"]
    lines = [
        f"# Task list over HTTP, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "`GET /api/v1/orgs/{org}/tasks?project_id=<biggest project>&limit=50` with a valid "
        f"bearer token, produced by `bench/run_http.py` (rounds={args.rounds}, "
        f"{args.duration}s per throughput run with {args.connections} connections; "
        f"latency-rounds={args.latency_rounds}, {args.latency_duration}s per latency run "
        "with 1 connection, run first; warm-up "
        f"{args.warmup}s), {time.monotonic() - started:.0f}s in all.",
        "",
        *env_lines,
        f"- data: `{args.database}` ({big['tasks']:,} tasks, biggest project "
        f"{big['project_tasks']:,}), `{args.small_database}` ({small['tasks']:,} tasks, "
        f"biggest project {small['project_tasks']:,})",
        "- baseline = bench/baseline_app.py: JWT check (on every request) + the one page "
        "query taskhub sends (page, project key, assignees and labels in one statement). "
        "baseline-full = the same app also doing the rest of taskhub's work (session/user "
        "check, membership check) hand-written on one connection.",
        "- taskhub also does, per request: the rate-limit count (from a lease reserved in "
        "Redis), the session and role checks (remembered, forgotten through Redis on "
        "change), the access log line, Prometheus metrics (multiprocess files), request id "
        "and security headers.",
        "- CPU/req = CPU seconds of the server's processes (app) and of the database's "
        "PostgreSQL backends (db) during the run, divided by the requests served; the "
        "load generator's own CPU per request is in the wrk column.",
        "",
    ]
    th = [r for r in results if r.mode == "throughput"]
    per_run = ("p50_ms", "p99_ms", "app_cpu_ms", "db_cpu_ms", "load_cpu_ms")
    if th:
        lines += [
            f"## Throughput at 1,000,000 tasks ({args.connections} connections), "
            f"medians of {args.rounds} runs",
            "",
            _row(
                "app",
                "req/s",
                "p50 ms",
                "p99 ms",
                "CPU/req app ms",
                "CPU/req db ms",
                "wrk CPU/req ms",
                "req/s per run",
            ),
            _row("---", *["---:"] * 6, "---"),
        ]
        for key in ("th1m", "bl1m", "blf1m"):
            name = NAMES[key]
            runs = [r for r in th if r.server == name]
            if runs:
                lines.append(
                    _row(
                        name,
                        f"{med(th, name, 'throughput', 'rps'):.0f}",
                        *_cells(th, name, "throughput", per_run),
                        ", ".join(f"{r.rps:.0f}" for r in runs),
                    )
                )
        rps_t = med(th, NAMES["th1m"], "throughput", "rps")
        cpu_t = med(th, NAMES["th1m"], "throughput", "cpu_ms")
        ratio = rps_t / med(th, NAMES["bl1m"], "throughput", "rps")
        cpu_ratio = med(th, NAMES["bl1m"], "throughput", "cpu_ms") / cpu_t
        verdict = "meets" if ratio >= TARGET_THROUGHPUT_RATIO else "MISSES"
        per_round = [
            t.rps / b.rps
            for t, b in zip(
                [r for r in th if r.server == NAMES["th1m"]],
                [r for r in th if r.server == NAMES["bl1m"]],
                strict=True,
            )
        ]
        lines += [
            "",
            f"**taskhub / baseline throughput: {ratio:.2f}** (target >= "
            f"{TARGET_THROUGHPUT_RATIO}: {verdict}); by CPU per request (app + db): "
            f"{cpu_ratio:.2f}; per round (the two runs of one round): "
            + ", ".join(f"{x:.2f}" for x in per_round)
            + ".",
        ]
        if any(r.server == NAMES["blf1m"] for r in th):
            rps_f = med(th, NAMES["blf1m"], "throughput", "rps")
            cpu_f = med(th, NAMES["blf1m"], "throughput", "cpu_ms")
            lines.append(
                f"taskhub / baseline-full (the same work, hand-written): {rps_t / rps_f:.2f} by "
                f"req/s, {cpu_f / cpu_t:.2f} by CPU per request."
            )
        lines.append("")
    lat = [r for r in results if r.mode == "latency"]
    if lat:
        lines += [
            f"## Latency with one connection (service time), medians of {args.latency_rounds} "
            "runs: "
            "10,000 vs 1,000,000 tasks",
            "",
            _row(
                "app",
                "req/s",
                "p50 ms",
                "p99 ms",
                "CPU/req app ms",
                "CPU/req db ms",
                "p50 ms per run",
            ),
            _row("---", *["---:"] * 5, "---"),
        ]
        for key in ("th10k", "th1m", "bl10k", "bl1m"):
            name = NAMES[key]
            runs = [r for r in lat if r.server == name]
            if runs:
                lines.append(
                    _row(
                        name,
                        f"{med(lat, name, 'latency', 'rps'):.0f}",
                        *_cells(lat, name, "latency", per_run[:4]),
                        ", ".join(f"{r.p50_ms:.2f}" for r in runs),
                    )
                )

        def ratio_of(attr: str) -> float:
            return med(lat, NAMES["th1m"], "latency", attr) / med(
                lat, NAMES["th10k"], "latency", attr
            )

        paired = paired_ratios(lat, NAMES["th1m"], NAMES["th10k"])
        paired_bl = paired_ratios(lat, NAMES["bl1m"], NAMES["bl10k"])
        p50 = statistics.median(paired)
        verdict = "meets" if p50 <= TARGET_LATENCY_RATIO else "MISSES"
        lines += [
            "",
            f"**taskhub latency 1M / 10k: p50 {p50:.2f}x** (median over rounds of the p50 "
            "ratio of the two runs made back to back; target <= "
            f"{TARGET_LATENCY_RATIO}x: {verdict}); per round: "
            + ", ".join(f"{x:.2f}" for x in paired)
            + f". Ratio of the medians: p50 {ratio_of('p50_ms'):.2f}x, p99 "
            f"{ratio_of('p99_ms'):.2f}x, CPU per request {ratio_of('cpu_ms'):.2f}x.",
        ]
        if paired_bl:
            lines.append(
                f"baseline latency 1M / 10k, the same way: p50 {statistics.median(paired_bl):.2f}x "
                "(per round: " + ", ".join(f"{x:.2f}" for x in paired_bl) + ")."
            )
        lines.append("")
    lines += every_run(results)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    tag = f"-{args.tag}" if args.tag else ""
    out = RESULTS_DIR / f"http-{datetime.now(UTC):%Y-%m-%d}{tag}.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return out


# ------------------------------------------------------------------------------ main
def taskhub_env(
    db: str, secret: str, metrics_dir: Path, redis_url: str | None, broker_url: str | None
) -> dict[str, str]:
    """The environment taskhub's server runs with: as deployed, rate limits out of reach."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")},
        "TASKHUB_DATABASE_URL": sqlalchemy_url(db),
        "TASKHUB_SECRET_KEY": secret,
        "TASKHUB_RATE_LIMIT_API": "1000000/second",
        "TASKHUB_RATE_LIMIT_AUTH": "1000000/second",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    if redis_url:
        env["TASKHUB_REDIS_URL"] = redis_url
    if broker_url:
        env["TASKHUB_BROKER_URL"] = broker_url
    return env


def ensure_database(name: str, tasks: int, rebuild: bool) -> None:
    if not rebuild and database_exists(name):
        try:
            if bench_facts(name).task_count == tasks:
                return
        except Exception:
            pass
    build_tasks.build(name, tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--small-database", default=SMALL_DB)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--small-tasks", type=int, default=10_000)
    parser.add_argument("--rebuild", action="store_true", help="rebuild both databases first")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15, help="seconds per throughput run")
    parser.add_argument("--latency-rounds", type=int, default=6)
    parser.add_argument("--latency-duration", type=int, default=8, help="seconds per latency run")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--worker-class",
        default="sync",
        choices=["sync", "gthread"],
        help="gthread runs 4 threads per worker, like `taskhub serve`",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/0",
        help="for taskhub's rate limiter; 'none' to run without",
    )
    parser.add_argument(
        "--broker-url",
        default="amqp://guest:guest@127.0.0.1:5672//",
        help="taskhub's message broker, as in production; 'none' for the in-process bus",
    )
    parser.add_argument("--tag", default="", help="results go to http-<date>-<tag>.md")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument(
        "--no-full-baseline",
        action="store_true",
        help="leave out the baseline that does taskhub's whole work",
    )
    args = parser.parse_args()
    started = time.monotonic()
    load_before = os.getloadavg()

    wrk = ensure_wrk()
    gunicorn = gunicorn_path()
    redis_url = None if args.redis_url == "none" else args.redis_url
    if redis_url and not redis_reachable(redis_url):
        say(f"Redis does not answer at {redis_url}: taskhub runs with the in-process rate limiter")
        redis_url = None
    broker_url = None if args.broker_url == "none" else args.broker_url
    if broker_url and not broker_reachable(broker_url):
        say(f"RabbitMQ does not answer at {broker_url}: taskhub runs the in-process bus")
        broker_url = None

    ensure_database(args.database, args.tasks, args.rebuild)
    ensure_database(args.small_database, args.small_tasks, args.rebuild)

    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    secret = secrets.token_urlsafe(48)
    workdir = Path(tempfile.mkdtemp(prefix="taskhub-bench-"))
    servers: dict[str, Server] = {}
    facts_out: dict[str, Any] = {}
    common = gunicorn_argv(gunicorn, args.worker_class)
    for size, db in (("1m", args.database), ("10k", args.small_database)):
        facts = bench_facts(db)
        session = start_session(db, facts.owner_id, user_agent="bench/run_http")
        token = mint_access_token(secret, facts.owner_id, session)
        path = f"/api/v1/orgs/{facts.org_id}/tasks?project_id={facts.big_project_id}&limit=50"
        with psycopg.connect(conninfo(db)) as conn:
            project_tasks = conn.execute(
                "SELECT next_number FROM work_projects WHERE id = %s", (facts.big_project_id,)
            ).fetchone()[0]
        facts_out["big" if size == "1m" else "small"] = {
            "tasks": facts.task_count,
            "project_tasks": project_tasks,
        }
        keys = [f"th{size}", f"bl{size}"] + (
            ["blf1m"] if size == "1m" and not args.no_full_baseline else []
        )
        for key in keys:
            servers[key] = Server(
                name=NAMES[key],
                app=key,
                database=db,
                port=free_port(),
                token=token,
                path=path,
                log=workdir / f"{key}.log",
            )
        metrics_dir = workdir / f"metrics-{size}"
        metrics_dir.mkdir()
        th_env = taskhub_env(db, secret, metrics_dir, redis_url, broker_url)
        th = servers[f"th{size}"]
        start(
            th,
            th_env,
            [*common, "-b", f"127.0.0.1:{th.port}", "taskhub.entrypoints.wsgi:application()"],
        )
        for key in keys[1:]:
            bl = servers[key]
            bl_env = {
                **os.environ,
                "TASKHUB_SECRET_KEY": secret,
                "BENCH_DATABASE_DSN": conninfo(db),
                "BASELINE_CHECKS": "full" if key == "blf1m" else "",
            }
            start(
                bl,
                bl_env,
                [
                    *common,
                    "-b",
                    f"127.0.0.1:{bl.port}",
                    "--chdir",
                    str(BENCH_DIR),
                    "baseline_app:create_app()",
                ],
            )
    say(f"{len(servers)} servers starting (logs in {workdir})")
    for server in servers.values():
        wait_ready(server)

    same_pages(servers["th1m"], servers["bl1m"])
    same_pages(servers["th10k"], servers["bl10k"])
    if "blf1m" in servers:
        same_pages(servers["th1m"], servers["blf1m"])
    say("the apps return the same two pages on both databases")

    cpu = {
        args.database: DatabaseCpu(args.database),
        args.small_database: DatabaseCpu(args.small_database),
    }
    results: list[Result] = []
    say(f"warm-up, {args.warmup}s each")
    for server in servers.values():
        load(wrk, server, args.connections, args.warmup, "warm-up", cpu[server.database])

    if not args.skip_latency:
        say(
            f"latency with one connection: {args.latency_rounds} rounds x "
            f"{args.latency_duration}s per app, 10k and 1M back to back"
        )
        for r in range(args.latency_rounds):
            order = (
                ("th10k", "th1m", "bl10k", "bl1m")
                if r % 2 == 0
                else ("th1m", "th10k", "bl1m", "bl10k")
            )
            for key in order:
                server = servers[key]
                results.append(
                    load(wrk, server, 1, args.latency_duration, "latency", cpu[server.database])
                )
    if not args.skip_throughput:
        rotation = [k for k in ("th1m", "bl1m", "blf1m") if k in servers]
        say(
            f"throughput at 1M: {args.rounds} rounds x {args.duration}s per app, rotating the order"
        )
        for r in range(args.rounds):
            order = rotation[r % len(rotation) :] + rotation[: r % len(rotation)]
            for key in order:
                server = servers[key]
                results.append(
                    load(
                        wrk,
                        server,
                        args.connections,
                        args.duration,
                        "throughput",
                        cpu[server.database],
                    )
                )
    for sampler in cpu.values():
        sampler.close()
    stop_all()
    out = write_report(
        args,
        results,
        environment_lines(wrk, redis_url, broker_url, args.worker_class, load_before),
        facts_out,
        started,
    )
    say(f"wrote {out}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
