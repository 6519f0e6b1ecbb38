"""Backend CPU of the task list's page statement under each PostgreSQL plan-cache mode.

    .venv/bin/python bench/plan_cache.py [database ...]    # default: both bench databases

Runs the statement taskhub's list sends for the biggest project's first page (as
`baseline_app.PAGE_SQL` writes it) 3,000 times on one autocommit connection, prepared by
psycopg after its fifth execution, once with `plan_cache_mode` = `auto` (the server's
default: PostgreSQL picks custom or generic plans itself), `force_generic_plan` and
`force_custom_plan`, and once as taskhub runs it (`taskhub.platform.sql_generic_plan`:
the generic plan asked for in the command itself, the session left on `auto`). It
reports the backend's CPU time (from /proc; the server must run on this host), the wall
time per execution and how many generic and custom plans the
server made for the prepared statement (`pg_prepared_statements`). Writes
bench/results/plan-cache.txt.

Under `auto`, PostgreSQL keeps a generic plan once its estimated cost is no higher than
the custom plans' average plus their planning. The generic plan cannot see the LIMIT
parameter and guesses it at a tenth of the rows it expects for `project_id = $2` (the
table's rows over the distinct projects), so the larger the table, the dearer the
generic plan looks, although it is the same plan: at 10,000 tasks the server keeps it,
at 1,000,000 it plans every execution anew, which this script's `auto` rows show.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline_app
from _common import RESULTS_DIR, bench_facts, conninfo, say

from taskhub.platform.sql_generic_plan import GenericPlan

EXECUTIONS = 3000
# The statement as taskhub runs it (taskhub.platform.sql_generic_plan): in autocommit,
# `SET LOCAL plan_cache_mode = force_generic_plan; EXECUTE ...` in one simple query.
TASKHUB = "taskhub (SET LOCAL)"
MODES = ("auto", "force_generic_plan", "force_custom_plan", TASKHUB)


def backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _runner(
    conn: psycopg.Connection[Any], mode: str, args: tuple[Any, ...]
) -> Callable[[], list[Any]]:
    """One execution of the page statement, the way `mode` runs it."""
    if mode != TASKHUB:
        conn.execute(f"SET plan_cache_mode = {mode}")
        return lambda: conn.execute(baseline_app.PAGE_SQL, args).fetchall()
    plan = GenericPlan(baseline_app.PAGE_SQL % ("%(org)s", "%(project)s", "%(limit)s"))
    values = dict(zip(("org", "project", "limit"), args, strict=True))
    record: dict[str, Any] = {}

    def run() -> list[Any]:
        cursor = plan.cursor(conn)
        plan.execute(cursor, record, plan.arguments(values))
        return cursor.fetchall()

    return run


def main() -> None:
    databases = sys.argv[1:] or ["taskhub_bench_10k", "taskhub_bench"]
    lines = [
        f"Page statement under each plan_cache_mode, {EXECUTIONS} executions each, "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs",
        "",
        f"{'database':<20} {'plan_cache_mode':<20} {'backend CPU ms':>15} {'wall ms':>8} "
        f"{'generic plans':>14} {'custom plans':>13}",
    ]
    for database in databases:
        facts = bench_facts(database)
        args = (facts.org_id, facts.big_project_id, 51)
        for mode in MODES:
            with psycopg.connect(conninfo(database), autocommit=True) as conn:
                run = _runner(conn, mode, args)
                pid = conn.info.backend_pid
                for _ in range(20):
                    run()
                cpu0, wall0 = backend_cpu(pid), time.perf_counter()
                for _ in range(EXECUTIONS):
                    run()
                cpu = 1000 * (backend_cpu(pid) - cpu0) / EXECUTIONS
                wall = 1000 * (time.perf_counter() - wall0) / EXECUTIONS
                generic, custom = conn.execute(
                    "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) "
                    "FROM pg_prepared_statements"
                ).fetchone() or (0, 0)
            lines.append(
                f"{database:<20} {mode:<20} {cpu:15.3f} {wall:8.3f} {generic:14} {custom:13}"
            )
            say(lines[-1])
    target = RESULTS_DIR / "plan-cache.txt"
    target.write_text("\n".join(lines) + "\n")
    say(f"wrote {target}")


if __name__ == "__main__":
    main()
