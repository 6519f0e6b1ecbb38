"""Build a PostgreSQL database full of tasks for the list benchmarks.

    .venv/bin/python bench/build_tasks.py                          # taskhub_bench, 1,000,000 tasks
    .venv/bin/python bench/build_tasks.py taskhub_bench_10k --tasks 10000

The database is dropped if it exists (only names starting with `taskhub_bench` are
accepted), created, migrated with the application's own migrations
(`taskhub.platform.migrations.upgrade`), then loaded with one organization, 20 users
(all members, with a real password hash: `bench-password-1`), 12 labels, 50 projects
and N tasks, then `VACUUM ANALYZE`d.

Rows are what the application would have written: the same columns, `priority_rank`
equal to `Priority.rank`, per-project numbers 1..n in creation order with
`work_projects.next_number = n`, `version` counting the changes a task went through,
`updated_at = deleted_at` on the ~1% soft-deleted tasks, the `search` tsvector filled
by the migration's generated column. Distributions: one big project (~20% of tasks),
49 others with a long tail; created_at over three years; a status mix that depends on
age; ~60% with a due date; 0-2 assignees (88% have one or more) and 0-3 labels (75%);
~4% sub-tasks; a workflow state per status, board ranks in number order, 85% in the
monthly cycle of their creation date, 40% in the quarterly milestone due next; titles
"<verb> <adjective> <noun>" and descriptions from small word lists (see
bench/_common.py), so `q=refactor parser` matches ~1/1600 of the tasks.

Loading is one `INSERT ... SELECT` over `generate_series` per 5% of the rows. The
non-constraint indexes of the task tables are dropped first and rebuilt afterwards
from their own definitions (checked to come back identical), and foreign keys are not
re-checked row by row (session_replication_role = replica; the data satisfies them
by construction and the script verifies it at the end). Deterministic for a given
--seed, apart from the UUIDs.

A summary goes to stderr and to bench/results/build-<database>.txt.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

from taskhub.contexts.identity.adapters.security.passwords import BcryptPasswordHasher
from taskhub.platform.database import create_database_engine
from taskhub.platform.migrations import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    ADJECTIVES,
    BIG_PROJECT_KEY,
    DEFAULT_DB,
    DESCRIPTION_WORDS,
    LABELS,
    NAMED_PROJECT_KEYS,
    NOUNS,
    ORG_SLUG,
    OWNER_EMAIL,
    PASSWORD,
    RESULTS_DIR,
    VERBS,
    admin_conninfo,
    conninfo,
    say,
    sqlalchemy_url,
)

N_PROJECTS = 50
N_USERS = 20
BIG_SHARE = 0.20
SPAN_DAYS = 3 * 365
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
CYCLES = SPAN_DAYS // 30 + 1
"""Cycles of 30 days per project, from the span's start: 85% of the tasks fall in the one
their creation date is in, the rest stay in no cycle (a backlog)."""
MILESTONES = SPAN_DAYS // 91 + 1
"""Milestones of a quarter (91 days) per project, due on the quarter's last day: 40% of the
tasks belong to the first one due on or after their creation date."""

TASK_TABLES = ("work_tasks", "work_task_assignees", "work_task_labels")
ROLES = ["owner", "admin", "admin"] + ["member"] * 14 + ["viewer"] * 3  # 20 users
CREATORS = 17  # owner, admins and members create tasks; viewers don't


def project_thresholds() -> list[float]:
    """Lower bounds of each project's slice of [0, 1): project 0 gets BIG_SHARE, the rest a
    long tail (weights 1/(k+4)^0.9)."""
    weights = [1 / (k + 4) ** 0.9 for k in range(1, N_PROJECTS)]
    total = sum(weights)
    bounds = [0.0, BIG_SHARE]
    acc = BIG_SHARE
    for w in weights[:-1]:
        acc += (1 - BIG_SHARE) * w / total
        bounds.append(acc)
    assert len(bounds) == N_PROJECTS
    return bounds


def project_keys() -> list[str]:
    keys = list(NAMED_PROJECT_KEYS)
    n = len(keys)
    while len(keys) < N_PROJECTS:
        n += 1
        keys.append(f"P{n:02d}")
    if keys[0] != BIG_PROJECT_KEY or len(set(keys)) != N_PROJECTS:
        raise AssertionError("project keys must be unique, the big project first")
    return keys


def recreate_database(dbname: str) -> None:
    if not dbname.startswith("taskhub_bench"):
        raise SystemExit(f"refusing to drop {dbname!r}: the name must start with taskhub_bench")
    with psycopg.connect(admin_conninfo(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def migrate(dbname: str) -> None:
    engine = create_database_engine(sqlalchemy_url(dbname))
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def password_hash() -> str:
    return BcryptPasswordHasher(rounds=4).hash(PASSWORD)


def secondary_indexes(conn: psycopg.Connection) -> dict[str, str]:
    """Index name -> definition, for the task tables' indexes that back no constraint."""
    rows = conn.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
        ORDER BY 1
        """,
        (list(TASK_TABLES),),
    ).fetchall()
    return dict(rows)


class Builder:
    def __init__(self, conn: psycopg.Connection, n_tasks: int, seed: int) -> None:
        self.conn = conn
        self.n = n_tasks
        self.seed = seed
        self.end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        self.t0 = self.end - timedelta(days=SPAN_DAYS)
        self.org_id = uuid.uuid4()
        self.user_ids = [uuid.uuid4() for _ in range(N_USERS)]
        self.label_ids = [uuid.uuid4() for _ in LABELS]
        self.project_ids = [uuid.uuid4() for _ in range(N_PROJECTS)]

    # -- the fixed part: org, users, members, labels, projects -----------------------
    def people_and_projects(self) -> None:
        c = self.conn
        setup = self.t0 - timedelta(days=30)
        c.execute(
            "INSERT INTO tenancy_organizations (id, name, slug, plan, created_at, updated_at, "
            "version, deleted_at) VALUES (%s, %s, %s, 'premium', %s, %s, 1, NULL)",
            (self.org_id, "Bench Org", ORG_SLUG, setup, setup),
        )
        hashed = password_hash()
        emails = [OWNER_EMAIL] + [f"user{i:02d}@bench.example" for i in range(1, N_USERS)]
        with c.cursor() as cur:
            cur.executemany(
                "INSERT INTO identity_users (id, email, email_canonical, name, password_hash, "
                "is_active, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, true, %s, %s)",
                [
                    (
                        uid,
                        email,
                        email.lower(),
                        "Bench Owner" if i == 0 else f"Bench User {i:02d}",
                        hashed,
                        setup + timedelta(minutes=i),
                        setup + timedelta(minutes=i),
                    )
                    for i, (uid, email) in enumerate(zip(self.user_ids, emails, strict=True))
                ],
            )
            cur.executemany(
                "INSERT INTO tenancy_memberships (org_id, user_id, role, joined_at) "
                "VALUES (%s, %s, %s, %s)",
                [
                    (self.org_id, uid, ROLES[i], setup + timedelta(minutes=i))
                    for i, uid in enumerate(self.user_ids)
                ],
            )
            cur.executemany(
                "INSERT INTO work_labels (id, org_id, name, name_canonical, color, created_at, "
                "updated_at, version, deleted_at) VALUES (%s, %s, %s, %s, %s, %s, %s, 1, NULL)",
                [
                    (
                        lid,
                        self.org_id,
                        name,
                        name.lower(),
                        color,
                        setup + timedelta(hours=1, minutes=i),
                        setup + timedelta(hours=1, minutes=i),
                    )
                    for i, (lid, (name, color)) in enumerate(
                        zip(self.label_ids, LABELS, strict=True)
                    )
                ],
            )
            keys = project_keys()
            statuses = ["active"] * 45 + ["on_hold"] * 3 + ["archived"] * 2
            cur.executemany(
                "INSERT INTO work_projects (id, org_id, key, name, description, status, "
                "next_number, created_at, updated_at, version, deleted_at) "
                "VALUES (%s, %s, %s, %s, '', %s, 0, %s, %s, %s, NULL)",
                [
                    (
                        pid,
                        self.org_id,
                        keys[i],
                        f"Project {keys[i]}",
                        statuses[i],
                        self.t0 - timedelta(days=1, hours=N_PROJECTS - i),
                        self.t0 - timedelta(days=1, hours=N_PROJECTS - i)
                        if statuses[i] == "active"
                        else self.end - timedelta(days=10 + i),
                        1 if statuses[i] == "active" else 2,
                    )
                    for i, pid in enumerate(self.project_ids)
                ],
            )
            # Planning (migration 0017): one state per category, and a cycle per month
            # of the span for every project.
            cur.execute(
                "INSERT INTO work_states (id, org_id, project_id, name, category, color, "
                "position, created_at, updated_at, version, deleted_at) "
                "SELECT gen_random_uuid(), p.org_id, p.id, c.category, c.category, "
                "'#8b949e', c.position - 1, p.created_at, p.created_at, 1, NULL "
                "FROM work_projects p CROSS JOIN unnest(ARRAY['todo', 'in_progress', "
                "'in_review', 'done', 'cancelled']) WITH ORDINALITY AS c(category, position)"
            )
            cur.execute(
                "INSERT INTO work_cycles (id, org_id, project_id, name, starts_on, ends_on, "
                "completed_at, created_at, updated_at, version, deleted_at) "
                "SELECT gen_random_uuid(), p.org_id, p.id, 'Cycle ' || k, "
                "(%s::date + (k * 30)), (%s::date + (k * 30 + 29)), NULL, p.created_at, "
                "p.created_at, 1, NULL "
                "FROM work_projects p CROSS JOIN generate_series(0, %s) AS k",
                (self.t0.date(), self.t0.date(), CYCLES - 1),
            )
            cur.execute(
                "INSERT INTO work_milestones (id, org_id, project_id, name, description, "
                "due_on, created_at, updated_at, version, deleted_at) "
                "SELECT gen_random_uuid(), p.org_id, p.id, 'Milestone ' || (k + 1), '', "
                "(%s::date + (k * 91 + 90)), p.created_at, p.created_at, 1, NULL "
                "FROM work_projects p CROSS JOIN generate_series(0, %s) AS k",
                (self.t0.date(), MILESTONES - 1),
            )
        c.commit()

    # -- the task stage: which project, which number, which id, which parent ---------
    def stage(self) -> None:
        c = self.conn
        # r(i, k): a deterministic pseudo-random number in [0, 1) for row i, stream k.
        # Inlined by the planner (one SQL SELECT, IMMUTABLE).
        c.execute(
            f"""
            CREATE FUNCTION pg_temp.r(i bigint, k int) RETURNS double precision
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
              SELECT (hashint8extended(i, {int(self.seed) * 1000} + k) & 281474976710655)::float8
                     / 281474976710656.0
            $$
            """
        )
        c.execute("CREATE TEMP TABLE bench_projects (idx int PRIMARY KEY, id uuid NOT NULL)")
        c.execute("CREATE TEMP TABLE bench_users (idx int PRIMARY KEY, id uuid NOT NULL)")
        c.execute("CREATE TEMP TABLE bench_labels (idx int PRIMARY KEY, id uuid NOT NULL)")
        # Cycle k of a project starts on day 30k; milestone k is due on day 91k + 90.
        c.execute(
            "CREATE TEMP TABLE bench_cycles AS "
            "SELECT project_id, (starts_on - %s::date) / 30 AS k, id FROM work_cycles",
            (self.t0.date(),),
        )
        c.execute("CREATE UNIQUE INDEX ON bench_cycles (project_id, k)")
        c.execute(
            "CREATE TEMP TABLE bench_milestones AS "
            "SELECT project_id, (due_on - %s::date - 90) / 91 AS k, id FROM work_milestones",
            (self.t0.date(),),
        )
        c.execute("CREATE UNIQUE INDEX ON bench_milestones (project_id, k)")
        c.execute(
            "CREATE TEMP TABLE bench_states AS SELECT project_id, category, id FROM work_states"
        )
        c.execute("CREATE UNIQUE INDEX ON bench_states (project_id, category)")
        c.execute("ANALYZE bench_states")
        c.execute("ANALYZE bench_cycles")
        c.execute("ANALYZE bench_milestones")
        with c.cursor() as cur:
            cur.executemany(
                "INSERT INTO bench_projects VALUES (%s, %s)", list(enumerate(self.project_ids))
            )
            cur.executemany(
                "INSERT INTO bench_users VALUES (%s, %s)", list(enumerate(self.user_ids))
            )
            cur.executemany(
                "INSERT INTO bench_labels VALUES (%s, %s)", list(enumerate(self.label_ids))
            )
        c.execute(
            """
            CREATE TEMP TABLE bench_stage AS
            SELECT i, project_idx,
                   row_number() OVER (PARTITION BY project_idx ORDER BY i)::int AS number,
                   gen_random_uuid() AS id,
                   NULL::uuid AS parent_id
            FROM (
              SELECT i, width_bucket(pg_temp.r(i, 1), %(bounds)s::float8[]) - 1 AS project_idx
              FROM generate_series(1, %(n)s::bigint) AS i
            ) s
            """,
            {"bounds": project_thresholds(), "n": self.n},
        )
        c.execute("CREATE UNIQUE INDEX ON bench_stage (i)")
        c.execute("CREATE UNIQUE INDEX ON bench_stage (project_idx, number)")
        # ~4% are sub-tasks of a task created shortly before in the same project.
        c.execute(
            """
            UPDATE bench_stage c SET parent_id = p.id
            FROM bench_stage p
            WHERE pg_temp.r(c.i, 20) < 0.04 AND c.number > 1
              AND p.project_idx = c.project_idx
              AND p.number = greatest(1, c.number - 1 - floor(pg_temp.r(c.i, 21) * 20)::int)
            """
        )
        c.execute("ANALYZE bench_stage")
        c.commit()

    # -- one slice of tasks, assignees and labels --------------------------------------
    TASKS_SQL = """
    INSERT INTO work_tasks (id, org_id, project_id, number, title, description, status,
                            priority, priority_rank, due_at, parent_id, created_by,
                            created_at, updated_at, version, deleted_at,
                            assignee_ids, label_ids, state_id, rank, estimate, cycle_id,
                            milestone_id)
    SELECT s.id, %(org)s, bp.id, s.number, w.title, w.description, st.status,
           pr.priority, pr.rank, d.due_at, s.parent_id, bu.id,
           ts.created_at, u.updated_at,
           1 + u.changes + CASE WHEN del.deleted THEN 1 ELSE 0 END,
           CASE WHEN del.deleted THEN u.updated_at END,
           coalesce(sa.ids, '{}'), coalesce(sl.ids, '{}'),
           -- the state of the task's status, as a lookup: a join here lets the planner
           -- evaluate the slice's set aggregates once per row
           (SELECT bst.id FROM bench_states bst
            WHERE bst.project_id = bp.id AND bst.category = st.status),
           -- ranks in number order, as migration 0017 writes them
           'd' || (SELECT string_agg(substr(%(base62)s, ((s.number / (62 ^ k)::int) %% 62) + 1,
                                            1), '' ORDER BY k DESC)
                   FROM generate_series(0, 3) AS k),
           CASE WHEN pg_temp.r(s.i, 18) < 0.7 THEN (1 + floor(pg_temp.r(s.i, 19) * 8))::int END,
           -- the cycle the creation date falls in, and the milestone due next, found by
           -- their number in the staged maps (a lookup by date range per row is too slow)
           CASE WHEN pg_temp.r(s.i, 22) < 0.85 THEN
             (SELECT bc.id FROM bench_cycles bc
              WHERE bc.project_id = bp.id
                AND bc.k = (ts.created_at::date - %(t0_date)s::date) / 30)
           END,
           CASE WHEN pg_temp.r(s.i, 23) < 0.40 THEN
             (SELECT bm.id FROM bench_milestones bm
              WHERE bm.project_id = bp.id
                AND bm.k = greatest(0, ceil(((ts.created_at::date - %(t0_date)s::date) - 90)
                                            / 91.0))::int)
           END
    FROM bench_stage s
    JOIN bench_projects bp ON bp.idx = s.project_idx
    -- the task's copies of its sets, from the slice's staged links (see `load`)
    LEFT JOIN (SELECT task_id, array_agg(user_id ORDER BY user_id) AS ids
               FROM bench_slice_assignees GROUP BY 1) sa ON sa.task_id = s.id
    LEFT JOIN (SELECT task_id, array_agg(label_id ORDER BY label_id) AS ids
               FROM bench_slice_labels GROUP BY 1) sl ON sl.task_id = s.id
    CROSS JOIN LATERAL (
      SELECT %(t0)s::timestamptz
             + ((s.i - 1 + pg_temp.r(s.i, 2)) * %(step)s::float8) * interval '1 second'
             AS created_at
    ) ts
    CROSS JOIN LATERAL (
      SELECT CASE WHEN ts.created_at < %(end)s::timestamptz - interval '60 days' THEN
               CASE WHEN pg_temp.r(s.i, 3) < 0.62 THEN 'done'
                    WHEN pg_temp.r(s.i, 3) < 0.70 THEN 'cancelled'
                    WHEN pg_temp.r(s.i, 3) < 0.85 THEN 'todo'
                    WHEN pg_temp.r(s.i, 3) < 0.95 THEN 'in_progress'
                    ELSE 'in_review' END
             ELSE
               CASE WHEN pg_temp.r(s.i, 3) < 0.40 THEN 'todo'
                    WHEN pg_temp.r(s.i, 3) < 0.65 THEN 'in_progress'
                    WHEN pg_temp.r(s.i, 3) < 0.77 THEN 'in_review'
                    WHEN pg_temp.r(s.i, 3) < 0.97 THEN 'done'
                    ELSE 'cancelled' END
             END AS status
    ) st
    CROSS JOIN LATERAL (
      SELECT (ARRAY['low', 'medium', 'high', 'urgent'])[k + 1] AS priority, k::smallint AS rank
      FROM (SELECT CASE WHEN pg_temp.r(s.i, 4) < 0.25 THEN 0
                        WHEN pg_temp.r(s.i, 4) < 0.70 THEN 1
                        WHEN pg_temp.r(s.i, 4) < 0.92 THEN 2
                        ELSE 3 END AS k) q
    ) pr
    CROSS JOIN LATERAL (
      SELECT CASE WHEN pg_temp.r(s.i, 5) < 0.60 THEN
               date_trunc('day', ts.created_at) + interval '17 hours'
               + (1 + floor(pg_temp.r(s.i, 6) * 45)) * interval '1 day'
             END AS due_at
    ) d
    CROSS JOIN LATERAL (
      SELECT CASE WHEN st.status <> 'todo' OR pg_temp.r(s.i, 7) < 0.30
                  THEN 1 + floor(pg_temp.r(s.i, 8) * 4)::int ELSE 0 END AS changes
    ) ch
    CROSS JOIN LATERAL (SELECT pg_temp.r(s.i, 10) < 0.01 AS deleted) del
    CROSS JOIN LATERAL (
      -- the last change (an update, or the soft delete) is what updated_at records
      SELECT ch.changes,
             CASE WHEN ch.changes = 0 AND NOT del.deleted THEN ts.created_at
                  ELSE ts.created_at + interval '1 second' + pg_temp.r(s.i, 9)
                       * least(%(end)s::timestamptz - ts.created_at, interval '120 days')
             END AS updated_at
    ) u
    CROSS JOIN LATERAL (
      SELECT %(verbs)s::text[] AS v, %(adjs)s::text[] AS a, %(nouns)s::text[] AS n
    ) voc
    CROSS JOIN LATERAL (
      SELECT voc.v[1 + floor(pg_temp.r(s.i, 11) * 40)::int] || ' '
             || voc.a[1 + floor(pg_temp.r(s.i, 12) * 30)::int] || ' '
             || voc.n[1 + floor(pg_temp.r(s.i, 13) * 40)::int] AS title,
             CASE WHEN pg_temp.r(s.i, 14) < 0.15 THEN ''
             ELSE (SELECT string_agg(
                            (%(words)s::text[])[1 + floor(pg_temp.r(s.i * 64 + k, 15)
                                                   * %(nwords)s)::int], ' ' ORDER BY k)
                   FROM generate_series(1, 6 + floor(pg_temp.r(s.i, 16) * 20)::int) AS k)
             END AS description
    ) w
    JOIN bench_users bu ON bu.idx = floor(pg_temp.r(s.i, 17) * %(creators)s)::int
    WHERE s.i BETWEEN %(lo)s AND %(hi)s
    """

    # Assignees: 12% none, else one, 30% of those two; skewed towards the first users.
    ASSIGNEES_SQL = """
    INSERT INTO bench_slice_assignees (task_id, user_id)
    SELECT s.id, bu.id
    FROM bench_stage s
    CROSS JOIN LATERAL (
      SELECT CASE WHEN pg_temp.r(s.i, 30) < 0.12 THEN 0
                  WHEN pg_temp.r(s.i, 31) < 0.30 THEN 2 ELSE 1 END AS k,
             floor(power(pg_temp.r(s.i, 32), 1.6) * %(users)s)::int AS u1,
             floor(pg_temp.r(s.i, 33) * (%(users)s - 1))::int AS off
    ) p
    CROSS JOIN LATERAL unnest(
      CASE p.k WHEN 0 THEN ARRAY[]::int[]
               WHEN 1 THEN ARRAY[p.u1]
               ELSE ARRAY[p.u1, (p.u1 + 1 + p.off) %% %(users)s] END
    ) AS a(user_idx)
    JOIN bench_users bu ON bu.idx = a.user_idx
    WHERE s.i BETWEEN %(lo)s AND %(hi)s
    """

    # Labels: 25% none, 40% one, 25% two, 10% three; distinct, skewed to the first labels.
    LABELS_SQL = """
    INSERT INTO bench_slice_labels (task_id, label_id)
    SELECT s.id, bl.id
    FROM bench_stage s
    CROSS JOIN LATERAL (
      SELECT CASE WHEN pg_temp.r(s.i, 40) < 0.25 THEN 0
                  WHEN pg_temp.r(s.i, 40) < 0.65 THEN 1
                  WHEN pg_temp.r(s.i, 40) < 0.90 THEN 2 ELSE 3 END AS k,
             floor(power(pg_temp.r(s.i, 41), 1.4) * %(labels)s)::int AS first
    ) p
    CROSS JOIN LATERAL generate_series(0, p.k - 1) AS g(j)
    JOIN bench_labels bl ON bl.idx = (p.first + g.j * 5) %% %(labels)s
    WHERE s.i BETWEEN %(lo)s AND %(hi)s
    """

    def load(self) -> None:
        c = self.conn
        step = SPAN_DAYS * 86400 / self.n
        params = {
            "org": self.org_id,
            "t0": self.t0,
            "t0_date": self.t0.date(),
            "end": self.end,
            "step": step,
            "verbs": VERBS,
            "adjs": ADJECTIVES,
            "nouns": NOUNS,
            "words": DESCRIPTION_WORDS,
            "nwords": len(DESCRIPTION_WORDS),
            "creators": CREATORS,
            "users": N_USERS,
            "labels": len(LABELS),
            "base62": BASE62,
        }
        slices = 20
        size = -(-self.n // slices)
        started = time.monotonic()
        done = 0
        # A slice's assignee and label links are drawn first, into staging tables, so
        # each task row is written once, already carrying the copies of its sets.
        c.execute("CREATE TEMP TABLE bench_slice_assignees (task_id uuid, user_id uuid)")
        c.execute("CREATE TEMP TABLE bench_slice_labels (task_id uuid, label_id uuid)")
        for lo in range(1, self.n + 1, size):
            hi = min(self.n, lo + size - 1)
            p = {**params, "lo": lo, "hi": hi}
            c.execute("TRUNCATE bench_slice_assignees, bench_slice_labels")
            c.execute(self.ASSIGNEES_SQL, p)
            c.execute(self.LABELS_SQL, p)
            c.execute(self.TASKS_SQL, p)
            c.execute(
                "INSERT INTO work_task_assignees (org_id, task_id, user_id) "
                "SELECT %(org)s, task_id, user_id FROM bench_slice_assignees",
                p,
            )
            c.execute(
                "INSERT INTO work_task_labels (org_id, task_id, label_id) "
                "SELECT %(org)s, task_id, label_id FROM bench_slice_labels",
                p,
            )
            c.commit()
            done = hi
            elapsed = time.monotonic() - started
            eta = elapsed / done * (self.n - done)
            say(
                f"  tasks {done:>9,}/{self.n:,} ({100 * done / self.n:5.1f}%)  "
                f"{elapsed:6.1f}s elapsed, ~{eta:5.0f}s to go"
            )
        c.execute(
            """
            UPDATE work_projects p SET next_number = s.n
            FROM (SELECT project_idx, max(number) AS n FROM bench_stage GROUP BY 1) s
            JOIN bench_projects bp ON bp.idx = s.project_idx
            WHERE p.id = bp.id
            """
        )
        c.commit()


def verify(conn: psycopg.Connection, n: int) -> list[str]:
    """Cheap invariants the application itself would guarantee; an empty list is good."""
    problems = []
    checks = {
        "task count": ("SELECT count(*) <> %s FROM work_tasks", (n,)),
        "numbers 1..n per project, next_number = n": (
            """SELECT count(*) > 0 FROM work_projects p
               LEFT JOIN (SELECT project_id, count(*) c, min(number) lo, max(number) hi
                          FROM work_tasks GROUP BY 1) t ON t.project_id = p.id
               WHERE coalesce(t.c, 0) <> p.next_number OR coalesce(t.hi, 0) <> p.next_number
                  OR coalesce(t.lo, 1) <> 1""",
            None,
        ),
        "numbers follow created_at": (
            """SELECT count(*) > 0 FROM (
                 SELECT created_at, lag(created_at) OVER (PARTITION BY project_id ORDER BY number)
                        AS before FROM work_tasks) x
               WHERE before >= created_at""",
            None,
        ),
        "priority_rank matches priority": (
            """SELECT count(*) > 0 FROM work_tasks WHERE priority_rank <>
               array_position(ARRAY['low','medium','high','urgent']::varchar[], priority) - 1""",
            None,
        ),
        "search column generated": (
            "SELECT count(*) > 0 FROM work_tasks WHERE search IS NULL",
            None,
        ),
        "task foreign keys": (
            """SELECT (SELECT count(*) FROM work_tasks t LEFT JOIN work_projects p
                       ON p.id = t.project_id WHERE p.id IS NULL)
                    + (SELECT count(*) FROM work_task_assignees a LEFT JOIN work_tasks t
                       ON t.id = a.task_id WHERE t.id IS NULL)
                    + (SELECT count(*) FROM work_task_labels l LEFT JOIN work_tasks t
                       ON t.id = l.task_id WHERE t.id IS NULL) > 0""",
            None,
        ),
        "states, cycles and milestones of the task's project": (
            """SELECT count(*) > 0 FROM work_tasks t
               LEFT JOIN work_states s ON s.id = t.state_id
               LEFT JOIN work_cycles c ON c.id = t.cycle_id
               LEFT JOIN work_milestones m ON m.id = t.milestone_id
               WHERE s.project_id IS DISTINCT FROM t.project_id
                  OR (t.cycle_id IS NOT NULL AND c.project_id IS DISTINCT FROM t.project_id)
                  OR (t.milestone_id IS NOT NULL
                      AND m.project_id IS DISTINCT FROM t.project_id)""",
            None,
        ),
        "parents in the same project": (
            """SELECT count(*) > 0 FROM work_tasks c JOIN work_tasks p ON p.id = c.parent_id
               WHERE p.project_id <> c.project_id OR p.number >= c.number""",
            None,
        ),
        "tasks carry copies of their sets": (
            """SELECT count(*) > 0 FROM work_tasks t
               LEFT JOIN (SELECT task_id, array_agg(user_id ORDER BY user_id) AS ids
                          FROM work_task_assignees GROUP BY 1) a ON a.task_id = t.id
               LEFT JOIN (SELECT task_id, array_agg(label_id ORDER BY label_id) AS ids
                          FROM work_task_labels GROUP BY 1) l ON l.task_id = t.id
               WHERE t.assignee_ids IS DISTINCT FROM coalesce(a.ids, '{}')
                  OR t.label_ids IS DISTINCT FROM coalesce(l.ids, '{}')""",
            None,
        ),
        "assignees are members": (
            """SELECT count(*) > 0 FROM work_task_assignees a JOIN work_tasks t ON t.id = a.task_id
               LEFT JOIN tenancy_memberships m ON m.org_id = t.org_id AND m.user_id = a.user_id
               WHERE m.user_id IS NULL""",
            None,
        ),
        "versions and times": (
            """SELECT count(*) > 0 FROM work_tasks WHERE updated_at < created_at
               OR (version = 1) <> (updated_at = created_at)
               OR (deleted_at IS NOT NULL AND deleted_at <> updated_at)""",
            None,
        ),
    }
    for name, (query, args) in checks.items():
        if conn.execute(query, args).fetchone()[0]:
            problems.append(name)
    return problems


def summary(conn: psycopg.Connection) -> list[str]:
    def one(query: str, args: object = None) -> object:
        return conn.execute(query, args).fetchone()[0]

    def counts(query: str) -> str:
        return ", ".join(f"{k} {v:,}" for k, v in conn.execute(query).fetchall())

    biggest = one("SELECT next_number FROM work_projects WHERE key = %s", (BIG_PROJECT_KEY,))
    median = one(
        "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY next_number) FROM work_projects"
    )
    busiest = "SELECT max(c) FROM (SELECT count(*) c FROM {} GROUP BY {}) x"
    matches = "SELECT count(*) FROM work_tasks WHERE search @@ websearch_to_tsquery('simple', %s)"
    size = "SELECT pg_size_pretty(pg_total_relation_size(%s::regclass))"
    return [
        f"tasks: {one('SELECT count(*) FROM work_tasks'):,} "
        f"(live {one('SELECT count(*) FROM work_tasks WHERE deleted_at IS NULL'):,})",
        f"projects: {one('SELECT count(*) FROM work_projects')}, biggest {BIG_PROJECT_KEY} = "
        f"{biggest:,}, median {median:,}, "
        f"smallest {one('SELECT min(next_number) FROM work_projects'):,}",
        "status: " + counts("SELECT status, count(*) FROM work_tasks GROUP BY 1 ORDER BY 2 DESC"),
        "priority: "
        + counts(
            "SELECT priority, count(*) FROM work_tasks GROUP BY 1 ORDER BY min(priority_rank)"
        ),
        f"with due_at: {one('SELECT round(100.0 * count(due_at) / count(*), 1) FROM work_tasks')}%",
        f"sub-tasks: {one('SELECT count(parent_id) FROM work_tasks'):,}",
        f"in a cycle: {one('SELECT count(cycle_id) FROM work_tasks'):,} (busiest cycle "
        f"{one(busiest.format('work_tasks WHERE cycle_id IS NOT NULL', 'cycle_id')):,}), "
        "in a milestone: "
        f"{one('SELECT count(milestone_id) FROM work_tasks'):,}",
        f"assignee links: {one('SELECT count(*) FROM work_task_assignees'):,} (busiest user "
        f"{one(busiest.format('work_task_assignees', 'user_id')):,})",
        f"label links: {one('SELECT count(*) FROM work_task_labels'):,} (busiest label "
        f"{one(busiest.format('work_task_labels', 'label_id')):,})",
        "full-text matches (websearch_to_tsquery 'simple'): "
        + ", ".join(
            f"{q!r} {one(matches, (q,)):,}"
            for q in ("refactor parser", "flaky webhook", "webhook", "timeout")
        ),
        "sizes: " + ", ".join(f"{t} {one(size, (t,))}" for t in TASK_TABLES),
    ]


def build(dbname: str = DEFAULT_DB, n_tasks: int = 1_000_000, seed: int = 1) -> list[str]:
    started = time.monotonic()
    say(f"build {dbname}: {n_tasks:,} tasks")
    recreate_database(dbname)
    say("  migrating with taskhub.platform.migrations.upgrade")
    migrate(dbname)
    with psycopg.connect(conninfo(dbname)) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET work_mem = '256MB'")
        conn.commit()
        builder = Builder(conn, n_tasks, seed)
        builder.people_and_projects()
        say("  staging project assignment and numbers")
        builder.stage()
        indexes = secondary_indexes(conn)
        for name in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        conn.execute("SET session_replication_role = replica")
        conn.commit()
        builder.load()
        conn.execute("SET session_replication_role = origin")
        load_done = time.monotonic()
        say(f"  rebuilding {len(indexes)} indexes")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        for name, definition in indexes.items():
            t = time.monotonic()
            conn.execute(definition)
            conn.commit()
            say(f"    {name} {time.monotonic() - t:.1f}s")
        if secondary_indexes(conn) != indexes:
            raise SystemExit("the rebuilt indexes differ from the migration's")
        conn.commit()
    with psycopg.connect(conninfo(dbname), autocommit=True) as conn:
        say("  VACUUM ANALYZE")
        conn.execute("VACUUM ANALYZE")
        problems = verify(conn, n_tasks)
        lines = summary(conn)
    total = time.monotonic() - started
    lines = [
        f"database {dbname}: {n_tasks:,} tasks, seed {seed}, built in {total:.0f}s "
        f"(load {load_done - started:.0f}s), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        *lines,
        "invariants: " + ("all hold" if not problems else "BROKEN: " + ", ".join(problems)),
    ]
    for line in lines:
        say("  " + line)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"build-{dbname}.txt").write_text("\n".join(lines) + "\n")
    if problems:
        raise SystemExit(f"invariants broken: {', '.join(problems)}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", nargs="?", default=DEFAULT_DB)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.tasks < 1000:
        parser.error("--tasks: at least 1000")
    build(args.database, args.tasks, args.seed)


if __name__ == "__main__":
    main()
