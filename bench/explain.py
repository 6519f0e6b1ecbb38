"""EXPLAIN (ANALYZE, BUFFERS) of the task-list queries exactly as the application sends them.

    .venv/bin/python bench/explain.py                      # taskhub_bench -> results/explain-1m.txt
    .venv/bin/python bench/explain.py taskhub_bench_10k    # -> results/explain-10k.txt

For each case the real read model (`SqlTaskList.find`, a `TaskFilter` and
`PageRequest(limit=50)`) runs twice on a connection from the application's own engine
(`create_database_engine`); the second run's statements are captured with a
`before_cursor_execute` listener and the page query is explained with the very same
parameters (so the plan is the custom plan the server picks for those values). A page
is one statement (its assignees and labels are subselects of it); the due-date sorts
may send a second one for the undated segment, which is explained too.

Filter shapes whose best plan does not depend on the values run, in a request, with a
generic plan (ADR 0014, `taskhub.platform.sql_generic_plan`). For those the read model
runs once more on an autocommit connection, as a request runs it, and each statement it
executed is explained with `EXPLAIN ... EXECUTE` under `force_generic_plan` on that
connection: the plan the server really uses for them, next to the custom one.

Each plan ends with a one-line verdict: which indexes it uses, whether it reads the
table sequentially, whether it sorts and how many rows it sorts, how many rows it
examined to return its page, and the execution time. Run `bench/build_tasks.py` first.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import psycopg
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from taskhub.contexts.work.adapters.sql.tables import projects, tasks
from taskhub.contexts.work.adapters.sql.task_list import SqlTaskList
from taskhub.contexts.work.application.ports import TaskFilter, TaskSort
from taskhub.contexts.work.domain.values import TaskStatus
from taskhub.platform.database import create_database_engine
from taskhub.shared_kernel.pagination import PageRequest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_DB,
    RESULTS_DIR,
    bench_facts,
    busiest_cycle,
    database_exists,
    say,
    sqlalchemy_url,
)

DEEP_OFFSET = 100_000
SLOW_MS = 50.0


@dataclass
class Case:
    name: str
    task_filter: Any
    page: str = "first"  # first | second | deep


@dataclass
class Node:
    indent: int
    text: str
    rows: int = 0
    loops: int = 1
    removed: int = 0
    children: list[Node] = field(default_factory=list)


_NODE = re.compile(
    r"^(\s*)(?:->\s+)?(.*?)\s+\(cost=.*?\)"
    r"(?: \(actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)\))?"
)
_REMOVED = re.compile(r"Rows Removed by (?:Filter|Index Recheck|Join Filter): (\d+)")


def parse_plan(lines: list[str]) -> list[Node]:
    nodes: list[Node] = []
    current: Node | None = None
    for line in lines:
        match = _NODE.match(line)
        if match and "(cost=" in line:
            indent = len(match.group(1)) + ((line.strip().startswith("->") and 3) or 0)
            current = Node(
                indent=indent,
                text=match.group(2).strip(),
                rows=int(match.group(3) or 0),
                loops=int(match.group(4) or 1),
            )
            nodes.append(current)
            continue
        removed = _REMOVED.search(line)
        if removed and current is not None:
            current.removed += int(removed.group(1))
    return nodes


def verdict(lines: list[str]) -> str:
    nodes = parse_plan(lines)
    text = "\n".join(lines)
    indexes = []
    for pattern in (
        r"Index (?:Only )?Scan(?: Backward)? using (\w+) on (\w+)",
        r"Bitmap Index Scan on (\w+)",
    ):
        for match in re.finditer(pattern, text):
            if match.group(1) not in indexes:
                indexes.append(match.group(1))
    seq = sorted(set(re.findall(r"Seq Scan on (\w+)", text)))
    sorts = []
    for i, node in enumerate(nodes):
        if re.match(r"(Incremental )?Sort\b", node.text):
            child = next((n for n in nodes[i + 1 :] if n.indent > node.indent), None)
            fed = child.rows * child.loops if child else node.rows
            sorts.append(f"{node.text.split()[0].lower()} of {fed:,} rows")
    methods = re.findall(r"Sort Method: ([\w-]+(?: [\w-]+)?)", text)
    examined = 0
    for node in nodes:
        if re.search(r"\bon work_tasks\b", node.text) and "Bitmap Index" not in node.text:
            examined += node.rows * node.loops + node.removed
    execution = re.search(r"Execution Time: ([\d.]+) ms", text)
    ms = float(execution.group(1)) if execution else float("nan")
    on_tasks_seq = "work_tasks" in seq
    if on_tasks_seq or not indexes:
        head = "NO INDEX on work_tasks (sequential scan)"
    elif sorts:
        head = "INDEX, but SORTS"
    else:
        head = "INDEX, no sort (rows come out of the index in page order)"
    parts = [head, "indexes: " + (", ".join(indexes) or "none")]
    if seq:
        parts.append("seq scans: " + ", ".join(seq))
    if sorts:
        parts.append("sort: " + "; ".join(sorts) + (f" ({', '.join(methods)})" if methods else ""))
    parts.append(f"work_tasks rows examined: {examined:,}")
    parts.append(f"{ms:.2f} ms" + ("  << SLOW" if ms > SLOW_MS else ""))
    return "VERDICT: " + " | ".join(parts)


def append_plan(report: list[str], heading: str, statement: list[str], plan: list[str]) -> str:
    """Add one explained statement to the report; returns its verdict line."""
    line = verdict(plan)
    report.extend(["-" * 100, heading, *statement, "", *plan, line])
    return line


def generic_plans(
    engine: Engine,
    captured: list[tuple[str, Any]],
    capturing: dict[str, bool],
    org_id: uuid.UUID,
    case: Case,
    page: PageRequest,
) -> list[tuple[str, list[str]]]:
    """The plans of the statements a request runs with a generic plan, for this case.

    The read model runs on an autocommit connection, as in a request, which prepares its
    statements there; each one it ran with a generic plan is then explained by name with
    its values, under `force_generic_plan`, on that same connection.
    """
    out: list[tuple[str, list[str]]] = []
    with engine.connect() as conn:
        autocommit = conn.execution_options(isolation_level="AUTOCOMMIT")
        captured.clear()
        capturing["on"] = True
        SqlTaskList(autocommit).find(org_id, case.task_filter, page)
        capturing["on"] = False
        raw = cast("psycopg.Connection[Any]", autocommit.connection.dbapi_connection)
        for statement, parameters in captured:
            if not statement.startswith("SET LOCAL plan_cache_mode"):
                continue
            execute = psycopg.ClientCursor(raw).mogrify(statement.split("; ", 1)[1], parameters)
            raw.execute("SET plan_cache_mode = force_generic_plan")
            plan = [row[0] for row in raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + execute)]
            raw.execute("RESET plan_cache_mode")
            out.append((execute, plan))
    return out


def render_params(parameters: Any) -> str:
    if isinstance(parameters, dict):
        return ", ".join(f"{k}={v!s}" for k, v in parameters.items())
    return repr(parameters)


def build_cases(
    facts: Any, rare_assignee: uuid.UUID, deep_rows: int, cycle: uuid.UUID
) -> list[Case]:
    big = facts.big_project_id
    return [
        Case(
            "project filter (biggest project, ~20% of tasks), default sort -created_at",
            TaskFilter(project_id=big),
        ),
        Case(
            "project filter (median-size project), default sort -created_at",
            TaskFilter(project_id=facts.small_project_id),
        ),
        Case(
            "project + status in (in_progress, in_review)",
            TaskFilter(
                project_id=big, statuses=frozenset({TaskStatus.IN_PROGRESS, TaskStatus.IN_REVIEW})
            ),
        ),
        Case(
            "assignee filter (busiest user), whole org",
            TaskFilter(assignee_id=facts.busy_assignee_id),
        ),
        Case(
            "assignee filter (least-assigned user), whole org",
            TaskFilter(assignee_id=rare_assignee),
        ),
        Case("label filter (busiest label), whole org", TaskFilter(label_id=facts.busy_label_id)),
        Case("project + sort=due_at", TaskFilter(project_id=big, sort=TaskSort.DUE)),
        Case("project + sort=-due_at", TaskFilter(project_id=big, sort=TaskSort.DUE_DESC)),
        Case("project + sort=-priority", TaskFilter(project_id=big, sort=TaskSort.PRIORITY_DESC)),
        Case("full-text q='refactor parser', whole org", TaskFilter(text="refactor parser")),
        Case(
            "full-text q='refactor parser' + project",
            TaskFilter(project_id=big, text="refactor parser"),
        ),
        Case("full-text q='webhook' (a common word), whole org", TaskFilter(text="webhook")),
        Case(
            "second page via cursor (project, default sort)",
            TaskFilter(project_id=big),
            page="second",
        ),
        Case(
            f"deep page via cursor (project, default sort, after {deep_rows:,} rows)",
            TaskFilter(project_id=big),
            page="deep",
        ),
        Case("whole org, no filter, default sort", TaskFilter()),
        Case("project + sort=rank (the board)", TaskFilter(project_id=big, sort=TaskSort.RANK)),
        Case(
            "project + cycle_id (its busiest cycle), default sort",
            TaskFilter(project_id=big, cycle_id=cycle),
        ),
        Case(
            "project + cycle_id (its busiest cycle) + sort=rank",
            TaskFilter(project_id=big, cycle_id=cycle, sort=TaskSort.RANK),
        ),
    ]


def deep_after(engine: Any, facts: Any) -> tuple[tuple[str, ...], int]:
    with engine.connect() as conn:
        count = conn.execute(
            sa.text("SELECT next_number FROM work_projects WHERE id = :p"),
            {"p": facts.big_project_id},
        ).scalar_one()
        offset = min(DEEP_OFFSET, max(0, count // 2))
        row = conn.execute(
            sa.text(
                "SELECT created_at, id FROM work_tasks WHERE org_id = :o AND project_id = :p "
                "AND deleted_at IS NULL ORDER BY created_at DESC, id DESC OFFSET :n LIMIT 1"
            ),
            {"o": facts.org_id, "p": facts.big_project_id, "n": offset},
        ).one()
    return (row.created_at.isoformat(), str(row.id)), offset


def rare_assignee(engine: Any) -> uuid.UUID:
    with engine.connect() as conn:
        return conn.execute(
            sa.text(
                "SELECT user_id FROM work_task_assignees GROUP BY user_id "
                "ORDER BY count(*), user_id LIMIT 1"
            )
        ).scalar_one()


def alternatives(facts: Any, deep: tuple[str, ...]) -> list[tuple[str, Any]]:
    """Hand-written variants of the slow cases, NOT what the application sends: the same
    select list and join, keyset and order written so an existing index serves them."""

    def base() -> Any:
        return (
            sa.select(*tasks.c, projects.c.key.label("project_key"))
            .join(projects, projects.c.id == tasks.c.project_id)
            .where(
                tasks.c.org_id == facts.org_id,
                tasks.c.deleted_at.is_(None),
                tasks.c.project_id == facts.big_project_id,
            )
        )

    created = datetime.fromisoformat(deep[0])
    deep_id = uuid.UUID(deep[1])
    c, i = tasks.c.created_at, tasks.c.id
    due = tasks.c.due_at
    return [
        (
            "deep page, keyset as a row-value comparison (created_at, id) < (:c, :id)",
            base()
            .where(
                sa.tuple_(c, i)
                < sa.tuple_(sa.literal(created, type_=c.type), sa.literal(deep_id, type_=i.type))
            )
            .order_by(c.desc(), i.desc())
            .limit(51),
        ),
        (
            "deep page, the same OR keyset plus a redundant created_at <= :c (any direction mix)",
            base()
            .where(c <= created, sa.or_(c < created, sa.and_(c == created, i < deep_id)))
            .order_by(c.desc(), i.desc())
            .limit(51),
        ),
        (
            "sort=due_at as ORDER BY due_at ASC NULLS LAST, id ASC "
            "(ix_work_tasks_project_due as is)",
            base().order_by(due.asc().nulls_last(), i.asc()).limit(51),
        ),
        (
            "sort=-due_at as dated tasks then undated ones, each ORDER BY due_at DESC, "
            "id DESC, UNION ALL",
            sa.select(
                sa.union_all(
                    base().where(due.is_not(None)).order_by(due.desc(), i.desc()).limit(51),
                    base().where(due.is_(None)).order_by(due.desc(), i.desc()).limit(51),
                ).subquery()
            ).limit(51),
        ),
        (
            "sort=-due_at, the undated segment alone "
            "(due_at IS NULL ORDER BY due_at DESC, id DESC)",
            base().where(due.is_(None)).order_by(due.desc(), i.desc()).limit(51),
        ),
    ]


def run(dbname: str, out: Path | None) -> Path:
    if not database_exists(dbname):
        raise SystemExit(f"{dbname} does not exist; run bench/build_tasks.py {dbname} first")
    facts = bench_facts(dbname)
    engine = create_database_engine(sqlalchemy_url(dbname))
    captured: list[tuple[str, Any]] = []
    capturing = {"on": False}

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool
    ) -> None:
        if capturing["on"]:
            captured.append((statement, parameters))

    deep, deep_rows = deep_after(engine, facts)
    report: list[str] = []
    with engine.connect() as conn:
        settings = {
            name: conn.exec_driver_sql(f"SHOW {name}").scalar()
            for name in (
                "server_version",
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "random_page_cost",
                "jit",
            )
        }
        size = conn.exec_driver_sql(
            "SELECT pg_size_pretty(pg_total_relation_size('work_tasks'))"
        ).scalar()
    report.append(f"EXPLAIN (ANALYZE, BUFFERS) of the task list queries, database {dbname}")
    report.append(
        f"{facts.task_count:,} tasks (work_tasks {size} with indexes), "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    report.append("PostgreSQL " + ", ".join(f"{k}={v}" for k, v in settings.items()))
    report.append(f"org {facts.org_id}, biggest project {facts.big_project_id}")
    report.append("")
    summary: list[str] = []
    for number, case in enumerate(
        build_cases(
            facts, rare_assignee(engine), deep_rows, busiest_cycle(dbname, facts.big_project_id)[0]
        ),
        start=1,
    ):
        with engine.connect() as conn:
            repo = SqlTaskList(conn)
            after = None
            if case.page == "second":
                after = repo.find(facts.org_id, case.task_filter, PageRequest(limit=50)).next_after
            elif case.page == "deep":
                after = deep
            page = PageRequest(limit=50, after=after)
            repo.find(facts.org_id, case.task_filter, page)  # warm the cache
            captured.clear()
            capturing["on"] = True
            started = time.perf_counter()
            result = repo.find(facts.org_id, case.task_filter, page)
            elapsed = (time.perf_counter() - started) * 1000
            capturing["on"] = False
            statements = [(s, p) for s, p in captured if s.lstrip().upper().startswith("SELECT")]
            to_explain = statements
            report.append("=" * 100)
            report.append(f"[{number}] {case.name}")
            report.append(
                f"task_list.find: {len(result.items)} items, next page: "
                f"{'yes' if result.next_after else 'no'}, {len(statements)} statements, "
                f"{elapsed:.1f} ms wall (Python + SQL)"
            )
            for k, (statement, parameters) in enumerate(to_explain):
                label = "page query" if k == 0 else f"statement {k + 1} (the next segment)"
                plan = [
                    row[0]
                    for row in conn.exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                    )
                ]
                line = append_plan(
                    report,
                    f"{label}:",
                    [statement.strip(), f"parameters: {render_params(parameters)}"],
                    plan,
                )
                if k == 0:
                    summary.append(f"[{number:>2}] {case.name}\n     {line}")
            conn.rollback()
        for k, (command, plan) in enumerate(
            generic_plans(engine, captured, capturing, facts.org_id, case, page)
        ):
            line = append_plan(
                report,
                f"{'page query' if k == 0 else f'statement {k + 1}'} as a request runs it, "
                "with a generic plan (EXPLAIN EXECUTE under force_generic_plan):",
                [command],
                plan,
            )
            if k == 0:
                summary.append(f"     generic plan: {line}")
        report.append("")
        say(f"[{number}] {case.name}: {summary[-1].split('VERDICT: ')[1]}")
    report.append("=" * 100)
    report.append(
        "ALTERNATIVES: hand-written queries (not what the application sends) for the slow"
    )
    report.append("cases, same select list and join, to measure what a change would buy")
    alt_summary: list[str] = []
    for number, (name, query) in enumerate(alternatives(facts, deep), start=1):
        with engine.connect() as conn:
            conn.execute(query).all()  # warm
            captured.clear()
            capturing["on"] = True
            rows = conn.execute(query).all()
            capturing["on"] = False
            statement, parameters = captured[0]
            plan = [
                row[0]
                for row in conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                )
            ]
        line = append_plan(
            report,
            f"[A{number}] {name} ({len(rows)} rows)",
            [statement.strip(), f"parameters: {render_params(parameters)}"],
            plan,
        )
        alt_summary.append(f"[A{number}] {name}\n     {line}")
        say(f"[A{number}] {name}: {line.split('VERDICT: ')[1]}")
    engine.dispose()
    report.append("")
    report.append("=" * 100)
    report.append("SUMMARY (page query of each case)")
    report.extend(summary)
    report.append("")
    report.append("Alternatives (hand-written, see above)")
    report.extend(alt_summary)
    if out is None:
        suffix = "1m" if facts.task_count >= 1_000_000 else f"{facts.task_count // 1000}k"
        out = RESULTS_DIR / f"explain-{suffix}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(report) + "\n")
    say(f"wrote {out}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", nargs="?", default=DEFAULT_DB)
    parser.add_argument("--out", type=Path, help="default bench/results/explain-<size>.txt")
    args = parser.parse_args()
    run(args.database, args.out)


if __name__ == "__main__":
    main()
