"""Instructions the web process executes per task-list request: taskhub against the baseline.

    .venv/bin/python bench/instructions.py               # ~7 minutes; needs valgrind
    .venv/bin/python bench/instructions.py --requests 100 --databases taskhub_bench

CPU seconds and requests per second on a shared 2-core host move with whatever else the
host runs (`README.md`: the same request's CPU swings by 30% from one minute to the
next). An instruction count does not: `valgrind --tool=callgrind` counts the
instructions a process executes, the same for the same work whatever the host is doing.
So this script prices the application side of one request exactly, to tell the work
taskhub does from the time that work takes on a busy host.

For each app (taskhub as `run_http.py` configures it, with Redis when it answers; the
baseline, `baseline_app.py`) and each database, it starts this script again under
callgrind in `--child` mode, which builds the WSGI app, makes 30 warm-up requests
(`GET /api/v1/orgs/{org}/tasks?project_id=<biggest project>&limit=50`, called as a WSGI
server calls it: no HTTP, no test client), then N more, and exits. It does that with N =
20 and N = 20 + REQUESTS; the difference of the two totals over REQUESTS is the cost of a
request, with start-up, imports and warm-up cancelled out. PostgreSQL and Redis are other
processes and are not counted: `run_http.py` and `profile_request.py` measure the
database's CPU. Writes bench/results/instructions.txt.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from falcon.testing import create_environ

from taskhub.bootstrap import build_container
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline_app
from _common import (
    DEFAULT_DB,
    REPO_ROOT,
    RESULTS_DIR,
    SMALL_DB,
    bench_facts,
    mint_access_token,
    redis_reachable,
    say,
    serve_in_process,
    start_session,
)

APPS = ("taskhub", "baseline")
BASE_REQUESTS = 20
WARM_UP = 30
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def child(app_name: str, requests: int, database: str) -> None:
    """Build one app, warm it up, serve `requests` more requests, exit."""
    secret = secrets.token_urlsafe(48)
    serve_in_process(database, secret, REDIS_URL)
    app: Any = (
        create_app(build_container(load_settings()))
        if app_name == "taskhub"
        else baseline_app.create_app()
    )
    facts = bench_facts(database)
    token = mint_access_token(secret, facts.owner_id, start_session(database, facts.owner_id))
    environ = create_environ(
        f"/api/v1/orgs/{facts.org_id}/tasks",
        query_string=f"project_id={facts.big_project_id}&limit=50",
        headers={"Authorization": f"Bearer {token}"},
        remote_addr="127.0.0.1",
    )
    statuses: list[str] = []

    def start_response(status: str, _headers: Any, _exc_info: Any = None) -> None:
        statuses.append(status)

    def one() -> None:
        body = app(dict(environ), start_response)
        b"".join(body)
        close = getattr(body, "close", None)
        if close is not None:
            close()

    for _ in range(WARM_UP):
        one()
    if not all(status.startswith("200") for status in statuses):
        raise SystemExit(f"{app_name}: {statuses[:3]}")
    for _ in range(requests):
        one()


def collected(app_name: str, requests: int, database: str, valgrind: str) -> int:
    """Instructions callgrind counted for one child run."""
    run = subprocess.run(
        [
            valgrind,
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            app_name,
            str(requests),
            database,
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    match = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or match is None:
        raise SystemExit(f"callgrind run of {app_name} failed:\n{run.stderr[-3000:]}")
    return int(match.group(1))


def per_request(app_name: str, database: str, requests: int, valgrind: str) -> int:
    base = collected(app_name, BASE_REQUESTS, database, valgrind)
    more = collected(app_name, BASE_REQUESTS + requests, database, valgrind)
    return (more - base) // requests


def report(
    counts: dict[tuple[str, str], int], databases: Iterable[str], requests: int
) -> list[str]:
    lines = [
        f"Instructions per task-list request in the web process (callgrind), "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {requests} requests "
        f"counted per line (difference of two runs), Python {sys.version.split()[0]}",
        "GET /api/v1/orgs/{org}/tasks?project_id=<biggest project>&limit=50, called as a "
        "WSGI server calls the app; taskhub "
        + ("with Redis" if redis_reachable(REDIS_URL) else "without Redis")
        + ", access log on",
        "",
        f"{'database':<20} {'app':<10} {'instructions':>14} {'vs baseline':>12}",
    ]
    for database in databases:
        baseline = counts[(database, "baseline")]
        for app_name in APPS:
            count = counts[(database, app_name)]
            lines.append(f"{database:<20} {app_name:<10} {count:>14,} {count / baseline:>11.2f}x")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--databases", nargs="+", default=[DEFAULT_DB, SMALL_DB])
    parser.add_argument(
        "--child", nargs=3, metavar=("APP", "N", "DATABASE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        app_name, n, database = args.child
        child(app_name, int(n), database)
        return
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    counts: dict[tuple[str, str], int] = {}
    for database in args.databases:
        for app_name in APPS:
            say(f"{database} {app_name}: two runs under callgrind")
            counts[(database, app_name)] = per_request(app_name, database, args.requests, valgrind)
            say(f"  {counts[(database, app_name)]:,} instructions per request")
    lines = report(counts, args.databases, args.requests)
    target = RESULTS_DIR / "instructions.txt"
    target.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    say(f"wrote {target}")


if __name__ == "__main__":
    main()
