"""Backend CPU of the task list's page statement under each PostgreSQL plan-cache mode.

    .venv/bin/python bench/plan_cache.py [database ...]    # default: both bench databases

Runs the statement taskhub's list sends for the biggest project's first page (as
`baseline_app.PAGE_SQL` writes it) 3,000 times on one autocommit connection, prepared by
psycopg after its fifth execution, once with `plan_cache_mode` = `auto` (the server's
default: PostgreSQL picks custom or generic plans itself), `force_generic_plan` and
`force_custom_plan`, and reports the backend's CPU time (from /proc; the server must run
on this host) and the wall time per execution. Writes bench/results/plan-cache.txt.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline_app
from _common import RESULTS_DIR, bench_facts, conninfo, say

EXECUTIONS = 3000
MODES = ("auto", "force_generic_plan", "force_custom_plan")


def backend_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    databases = sys.argv[1:] or ["taskhub_bench_10k", "taskhub_bench"]
    lines = [
        f"Page statement under each plan_cache_mode, {EXECUTIONS} executions each, "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, load average "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs",
        "",
        f"{'database':<20} {'plan_cache_mode':<20} {'backend CPU ms':>15} {'wall ms':>8}",
    ]
    for database in databases:
        facts = bench_facts(database)
        args = (facts.org_id, facts.big_project_id, 51)
        for mode in MODES:
            with psycopg.connect(conninfo(database), autocommit=True) as conn:
                conn.execute(f"SET plan_cache_mode = {mode}")
                pid = conn.info.backend_pid
                for _ in range(20):
                    conn.execute(baseline_app.PAGE_SQL, args).fetchall()
                cpu0, wall0 = backend_cpu(pid), time.perf_counter()
                for _ in range(EXECUTIONS):
                    conn.execute(baseline_app.PAGE_SQL, args).fetchall()
                cpu = 1000 * (backend_cpu(pid) - cpu0) / EXECUTIONS
                wall = 1000 * (time.perf_counter() - wall0) / EXECUTIONS
            lines.append(f"{database:<20} {mode:<20} {cpu:15.3f} {wall:8.3f}")
            say(lines[-1])
    target = RESULTS_DIR / "plan-cache.txt"
    target.write_text("\n".join(lines) + "\n")
    say(f"wrote {target}")


if __name__ == "__main__":
    main()
