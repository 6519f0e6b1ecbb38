"""Shared by the benchmark scripts: where the databases are, the data set's fixed facts,
and minting an access token the way the application does.

Connection settings come from `BENCH_PG_URL` (a libpq URL of any database on the
server, used to create and drop the benchmark databases), default
`postgresql://postgres@127.0.0.1:5432/postgres`.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from taskhub.contexts.identity.adapters.security.access_tokens import JwtAccessTokenCodec
from taskhub.contexts.identity.application.ports import AccessClaims

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
REPO_ROOT = BENCH_DIR.parent

ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DEFAULT_DB = "taskhub_bench"
SMALL_DB = "taskhub_bench_10k"
WRITES_DB = "taskhub_bench_writes"  # bench/run_writes.py, bench/profile_writes.py: 10k tasks

ORG_SLUG = "bench-org"
OWNER_EMAIL = "owner@bench.example"
PASSWORD = "bench-password-1"
BIG_PROJECT_KEY = "CORE"


def _words(text: str) -> list[str]:
    return text.split()


# Title vocabulary: every title is "<verb> <adjective> <noun>", so a query naming one
# verb and one noun matches about 1/1600 of the tasks (~600 at 1M, ~6 at 10k).
VERBS = _words(
    """
    fix add refactor remove update migrate document investigate optimize test implement
    review deprecate upgrade validate rename split merge cache profile audit redesign
    simplify harden monitor automate benchmark clean configure debug deploy extract
    reindex localize trace paginate patch port rewrite throttle
    """
)
ADJECTIVES = _words(
    """
    flaky slow broken legacy missing duplicate stale async nightly mobile public internal
    shared optional default nested partial experimental deprecated secure cached batch
    realtime offline regional tenant admin bulk inline global
    """
)
NOUNS = _words(
    """
    parser login dashboard invoice webhook scheduler exporter importer search sidebar
    checkout onboarding notification report billing session token upload migration query
    endpoint widget calendar comment filter permission timeline backup queue worker
    template integration metric alert avatar setting changelog sitemap thumbnail tooltip
    """
)
# Description vocabulary, disjoint from the title's so title queries stay predictable.
DESCRIPTION_WORDS = _words(
    """
    the a an and or but when while after before during because so then also still only
    user users customer customers team support page screen form button link modal field
    value request response error errors warning timeout retry latency spike memory cpu
    disk network server client browser android iphone safari firefox chrome release
    version build pipeline staging production environment config flag rollout rollback
    regression crash hang loop leak race lock deadlock null empty wrong unexpected
    intermittent sometimes always never reported seen noticed reproduced steps expected
    actual behaviour result should must could would please check confirm verify ensure
    handle return show hide display load save send receive open close start stop create
    delete edit sort group count limit offset total daily weekly monthly quarter week
    month year today tomorrow deadline priority blocked waiting ready design spec draft
    feedback meeting notes followup owner estimate points sprint backlog epic story
    """
)

LABELS = (
    ("bug", "#d73a4a"),
    ("feature", "#a2eeef"),
    ("chore", "#cfd3d7"),
    ("docs", "#0075ca"),
    ("security", "#b60205"),
    ("performance", "#fbca04"),
    ("ux", "#d876e3"),
    ("backend", "#1d76db"),
    ("frontend", "#5319e7"),
    ("infra", "#0e8a16"),
    ("tech-debt", "#e99695"),
    ("customer", "#f9d0c4"),
)

NAMED_PROJECT_KEYS = _words(
    "CORE API WEB IOS ANDR OPS SEC DATA ML INFRA QA DOCS BILL AUTH SRCH MOB DSGN MKT SALES SUPP"
)


def _check_vocabulary() -> None:
    title = VERBS + ADJECTIVES + NOUNS
    if (len(VERBS), len(ADJECTIVES), len(NOUNS)) != (40, 30, 40):
        raise AssertionError("the title word lists must hold 40, 30 and 40 words")
    if len(set(title)) != len(title):
        raise AssertionError("a title word repeats")
    if set(title) & set(DESCRIPTION_WORDS):
        raise AssertionError("title and description words overlap")


_check_vocabulary()


def admin_conninfo() -> str:
    return make_conninfo(ADMIN_URL)


def conninfo(dbname: str) -> str:
    params = conninfo_to_dict(ADMIN_URL)
    params["dbname"] = dbname
    return make_conninfo(**params)


def sqlalchemy_url(dbname: str) -> str:
    """The URL the application is configured with (`TASKHUB_DATABASE_URL`)."""
    params = conninfo_to_dict(ADMIN_URL)
    user = params.get("user", "postgres")
    password = params.get("password")
    host = params.get("host", "127.0.0.1")
    port = params.get("port", "5432")
    auth = f"{user}:{password}" if password else user
    return f"postgresql+psycopg://{auth}@{host}:{port}/{dbname}"


def database_exists(dbname: str) -> bool:
    with psycopg.connect(admin_conninfo(), autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
            is not None
        )


@dataclass(frozen=True)
class BenchFacts:
    """What the scripts need to know about a built benchmark database."""

    org_id: uuid.UUID
    owner_id: uuid.UUID
    big_project_id: uuid.UUID
    small_project_id: uuid.UUID
    busy_assignee_id: uuid.UUID
    busy_label_id: uuid.UUID
    task_count: int


def bench_facts(dbname: str) -> BenchFacts:
    with psycopg.connect(conninfo(dbname)) as conn:
        org_id, owner_id = conn.execute(
            "SELECT o.id, m.user_id FROM tenancy_organizations o "
            "JOIN tenancy_memberships m ON m.org_id = o.id AND m.role = 'owner' "
            "WHERE o.slug = %s",
            (ORG_SLUG,),
        ).fetchone()
        big = conn.execute(
            "SELECT id FROM work_projects WHERE org_id = %s AND key = %s",
            (org_id, BIG_PROJECT_KEY),
        ).fetchone()[0]
        # A typical small project: the median of the projects by size.
        small = conn.execute(
            "SELECT id FROM work_projects WHERE org_id = %s ORDER BY next_number, key "
            "OFFSET (SELECT count(*) / 2 FROM work_projects WHERE org_id = %s) LIMIT 1",
            (org_id, org_id),
        ).fetchone()[0]
        assignee = conn.execute(
            "SELECT user_id FROM work_task_assignees GROUP BY user_id "
            "ORDER BY count(*) DESC, user_id LIMIT 1"
        ).fetchone()[0]
        label = conn.execute(
            "SELECT label_id FROM work_task_labels GROUP BY label_id "
            "ORDER BY count(*) DESC, label_id LIMIT 1"
        ).fetchone()[0]
        total = conn.execute(
            "SELECT sum(next_number) FROM work_projects WHERE org_id = %s", (org_id,)
        ).fetchone()[0]
    return BenchFacts(org_id, owner_id, big, small, assignee, label, int(total or 0))


def start_session(dbname: str, user_id: uuid.UUID, user_agent: str = "bench") -> uuid.UUID:
    """A live session row for the user, as signing in would create it."""
    session_id = uuid.uuid4()
    now = datetime.now(UTC)
    with psycopg.connect(conninfo(dbname)) as conn:
        conn.execute(
            "INSERT INTO identity_sessions (id, user_id, created_at, last_used_at, ip, "
            "user_agent, revoked_at, revoke_reason) VALUES (%s, %s, %s, %s, %s, %s, NULL, NULL)",
            (session_id, user_id, now, now, "127.0.0.1", user_agent),
        )
    return session_id


def mint_access_token(secret_key: str, user_id: uuid.UUID, session_id: uuid.UUID) -> str:
    """An access token from the application's own codec, valid for an hour."""
    codec = JwtAccessTokenCodec(secret_key, ttl_seconds=3600)
    return codec.issue(AccessClaims(user_id=user_id, session_id=session_id)).token


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def serve_in_process(database: str, secret: str, redis_url: str) -> bool:
    """Configure this process to build taskhub's WSGI app as `run_http.py` runs it.

    The settings go into the environment (database, secret key, rate limits out of
    reach, Redis when it answers at `redis_url`), and the access log is written at INFO,
    as a server writes it, but into a null stream. Says whether Redis is used.
    """
    import logging  # noqa: PLC0415 - only the in-process benchmarks need these

    import structlog  # noqa: PLC0415

    from taskhub.platform.logging import configure_logging  # noqa: PLC0415

    os.environ.update(
        {
            "TASKHUB_DATABASE_URL": sqlalchemy_url(database),
            "TASKHUB_SECRET_KEY": secret,
            "TASKHUB_RATE_LIMIT_API": "1000000/second",
            "BENCH_DATABASE_DSN": conninfo(database),
        }
    )
    with_redis = redis_reachable(redis_url)
    if with_redis:
        os.environ["TASKHUB_REDIS_URL"] = redis_url
    else:
        os.environ.pop("TASKHUB_REDIS_URL", None)
    configure_logging("INFO")
    null = open(os.devnull, "wb")  # noqa: SIM115 - lives as long as the process
    structlog.configure(logger_factory=structlog.BytesLoggerFactory(null))
    null_text = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    logging.getLogger().handlers[:] = [logging.StreamHandler(null_text)]
    return with_redis


def broker_reachable(url: str) -> bool:
    """Whether an AMQP broker accepts a connection at `url` (login included)."""
    import kombu  # noqa: PLC0415 - only the HTTP benchmark needs the broker

    try:
        with kombu.Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
            return True
    except Exception:  # any failure means "not reachable" here
        return False


def redis_reachable(url: str) -> bool:
    """Whether a Redis server answers PING at `url`."""
    parsed = urllib.parse.urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), 1
        ) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def busiest_cycle(dbname: str, project_id: uuid.UUID) -> tuple[uuid.UUID, int]:
    """The project's cycle holding the most live tasks, and how many: the cycle page a
    planning benchmark reads, the one whose index range is the widest."""
    with psycopg.connect(conninfo(dbname)) as conn:
        row = conn.execute(
            "SELECT cycle_id, count(*) FROM work_tasks WHERE project_id = %s "
            "AND cycle_id IS NOT NULL AND deleted_at IS NULL "
            "GROUP BY cycle_id ORDER BY count(*) DESC, cycle_id LIMIT 1",
            (project_id,),
        ).fetchone()
    if row is None:
        raise SystemExit("no task of the project is in a cycle; rebuild with bench/build_tasks.py")
    return row[0], int(row[1])
