"""What `?include=total` costs on the task list at 1,000,000 tasks.

    .venv/bin/python bench/list_totals.py [database] [--runs 7]

For each case the real read model (`SqlTaskList.find`, a `TaskFilter`,
`PageRequest(limit=20)`) runs on a connection from the application's own engine, first
without the total, then with it (`with_total=True`, what `?include=total` asks), each
`--runs` times after one warm-up; the median and the worst wall time of each go in
the table, with their difference (what the count costs), and the total itself. The
count statement the application sends is then explained (`EXPLAIN (ANALYZE,
BUFFERS)`) with the same parameters, and its plan's last lines are kept: how it reads
the rows it counts. Writes `bench/results/list-total-<date>.md`. Run
`bench/build_tasks.py` first (it leaves the tables `VACUUM ANALYZE`d, so index-only
scans find their pages all-visible, as they are on a table autovacuum keeps up with).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy import event

from taskhub.contexts.work.adapters.sql.task_list import SqlTaskList
from taskhub.contexts.work.application.ports import NoneSet, TaskFilter, TaskSort
from taskhub.contexts.work.domain.values import Priority, TaskStatus
from taskhub.platform import sql_pagination
from taskhub.platform.database import create_database_engine
from taskhub.platform.sql_pagination import COUNT_BUDGET_MS
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.pagination import PageRequest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_DB,
    RESULTS_DIR,
    bench_facts,
    busiest_cycle,
    conninfo,
    database_exists,
    say,
    sqlalchemy_url,
)


def _busiest(dbname: str, table: str, column: str) -> Any:
    with psycopg.connect(conninfo(dbname)) as conn:
        row = conn.execute(
            f"SELECT {column} FROM {table} GROUP BY {column} ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    return row[0]


def cases(dbname: str) -> list[tuple[str, TaskFilter]]:
    facts = bench_facts(dbname)
    big, small = facts.big_project_id, facts.small_project_id
    cycle, _ = busiest_cycle(dbname, big)
    assignee = _busiest(dbname, "work_task_assignees", "user_id")
    label = _busiest(dbname, "work_task_labels", "label_id")
    soon = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        ("no filter (the whole org)", TaskFilter()),
        ("project_id (biggest, 20%)", TaskFilter(project_id=big)),
        ("project_id (median)", TaskFilter(project_id=small)),
        ("status=todo", TaskFilter(statuses=frozenset({TaskStatus.TODO}))),
        (
            "status=todo,in_progress&priority=urgent",
            TaskFilter(
                statuses=frozenset({TaskStatus.TODO, TaskStatus.IN_PROGRESS}),
                priorities=frozenset({Priority.URGENT}),
            ),
        ),
        (
            "project_id (biggest)&status=in_progress",
            TaskFilter(project_id=big, statuses=frozenset({TaskStatus.IN_PROGRESS})),
        ),
        ("assignee_id (busiest user)", TaskFilter(assignee_id=assignee)),
        ("label_id (busiest label)", TaskFilter(label_id=label)),
        ("due_before (a year of due dates)", TaskFilter(due_before=soon)),
        (
            "due_after&due_before (one month)",
            TaskFilter(due_after=soon - timedelta(days=30), due_before=soon),
        ),
        ("cycle_id (busiest cycle)", TaskFilter(cycle_id=cycle)),
        ("cycle_id=none", TaskFilter(cycle_id=NoneSet.NONE)),
        ("q=refactor parser", TaskFilter(text="refactor parser")),
        ("q=webhook", TaskFilter(text="webhook")),
        ("q=timeout", TaskFilter(text="timeout")),
        ("q=CORE-42 (a key)", TaskFilter(text="CORE-42", key=("CORE", 42))),
        ("sort=rank&project_id (biggest)", TaskFilter(project_id=big, sort=TaskSort.RANK)),
    ]


def timed(
    connection: sa.Connection, org_id: Any, task_filter: TaskFilter, page: PageRequest
) -> tuple[float, bool]:
    """Wall time in ms, and whether the page came back (False: the count ran out of its
    time budget and the request was refused, as the application refuses it)."""
    started = time.perf_counter()
    try:
        SqlTaskList(connection).find(org_id, task_filter, page)
        answered = True
    except ValidationFailed:
        answered = False
    return (time.perf_counter() - started) * 1000, answered


def count_plan(
    connection: sa.Connection, org_id: Any, task_filter: TaskFilter
) -> tuple[list[str], int, float]:
    """The plan of the count statement the read model sends, with its own parameters,
    the count it returns, and its time in ms, both run without the budget."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT COUNT(*)"):
            captured.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        SqlTaskList(connection).find(org_id, task_filter, PageRequest(limit=20, with_total=True))
    except ValidationFailed:
        pass  # out of budget: the statement was sent all the same, and is explained
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    statement, parameters = captured[-1]
    raw = connection.connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        plan = [row[0] for row in cursor.fetchall()]
        started = time.perf_counter()
        cursor.execute(statement, parameters)
        total = int(cursor.fetchone()[0])
        return plan, total, (time.perf_counter() - started) * 1000


def _exact_total(connection: sa.Connection, org_id: Any, task_filter: TaskFilter) -> int:
    """The total the application answers when its count has all the time it needs (the
    keyed task of a key search included)."""
    budget = sql_pagination.COUNT_BUDGET_MS
    sql_pagination.COUNT_BUDGET_MS = 600_000
    try:
        page = SqlTaskList(connection).find(org_id, task_filter, PageRequest(with_total=True))
    finally:
        sql_pagination.COUNT_BUDGET_MS = budget
    assert page.total is not None
    return page.total


def _scan_summary(plan: list[str]) -> str:
    scans = []
    for line in plan:
        text = line.strip().removeprefix("->").strip()
        for kind in (
            "Index Only Scan",
            "Index Scan",
            "Bitmap Index Scan",
            "Seq Scan",
            "Parallel Seq Scan",
            "Parallel Index Only Scan",
            "Bitmap Heap Scan",
        ):
            if text.startswith(kind):
                scans.append(text.split("  (")[0])
                break
        if "Heap Fetches" in text:
            scans.append(text)
    return "; ".join(dict.fromkeys(scans))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", nargs="?", default=DEFAULT_DB)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not database_exists(args.database):
        raise SystemExit(f"{args.database} does not exist; run bench/build_tasks.py first")
    org_id = bench_facts(args.database).org_id
    engine = create_database_engine(sqlalchemy_url(args.database))
    rows = []
    plans = []
    # Autocommit, as a read-only unit of work runs on PostgreSQL.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        tasks = connection.execute(sa.text("SELECT count(*) FROM work_tasks")).scalar_one()
        for name, task_filter in cases(args.database):
            say(f"  {name}")
            plain, counted, refused = [], [], 0
            for run in range(args.runs + 1):
                a, _ = timed(connection, org_id, task_filter, PageRequest(limit=20))
                b, answered = timed(
                    connection, org_id, task_filter, PageRequest(limit=20, with_total=True)
                )
                if run:
                    plain.append(a)
                    counted.append(b)
                    refused += not answered
            p50, c50 = statistics.median(plain), statistics.median(counted)
            plan, _, count_ms = count_plan(connection, org_id, task_filter)
            total = _exact_total(connection, org_id, task_filter)
            outcome = "answered" if not refused else f"422 {refused}/{args.runs}"
            rows.append((name, total, p50, max(plain), c50, max(counted), outcome, count_ms))
            plans.append((name, _scan_summary(plan), plan))
            connection.rollback()
    engine.dispose()
    today = datetime.now(UTC).date().isoformat()
    out = RESULTS_DIR / f"list-total-{today}.md"
    lines = [
        f"# `?include=total` on the task list, {tasks:,} tasks ({args.database})",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, `bench/list_totals.py`, {args.runs} runs "
        "per cell after one warm-up; wall time of `SqlTaskList.find` (limit 20) in ms, "
        "on a 2-core host shared with other work (the absolute numbers move with it).",
        "",
        f"The count runs under a {COUNT_BUDGET_MS} ms `statement_timeout` "
        "(`platform.sql_pagination.COUNT_BUDGET_MS`); past it the request is a 422 on "
        "`include`. *include=total* is that request's time (answered or refused); "
        "*count alone* is the count statement run once more without the budget; *total* is "
        "what the application answers given all the time it needs.",
        "",
        "| case | total | page p50 | page max | include=total p50 | include=total max "
        "| include=total outcome | count alone |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, total, p50, pmax, c50, cmax, outcome, count_ms in rows:
        lines.append(
            f"| {name} | {total:,} | {p50:.1f} | {pmax:.1f} | {c50:.1f} | {cmax:.1f} "
            f"| {outcome} | {count_ms:.0f} |"
        )
    lines += ["", "## How each count reads its rows (EXPLAIN ANALYZE of the count statement)", ""]
    for name, summary, plan in plans:
        execution = next((p for p in plan if p.startswith("Execution Time")), "")
        lines.append(f"- **{name}**: {summary}. {execution}")
    lines += ["", "## Plans", ""]
    for name, _, plan in plans:
        lines += [f"### {name}", "", "```", *plan, "```", ""]
    out.write_text("\n".join(lines) + "\n")
    say(f"wrote {out}")
    print("\n".join(lines[: len(rows) + 8]))


if __name__ == "__main__":
    main()
