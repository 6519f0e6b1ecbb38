"""The floor to compare taskhub's task list against: the least a hand-written service
must do for `GET /orgs/{org_id}/tasks?project_id=...&limit=50`.

    TASKHUB_SECRET_KEY=... BENCH_DATABASE_DSN=postgresql://postgres@127.0.0.1/taskhub_bench \
        .venv/bin/gunicorn -w 2 -k sync -b 127.0.0.1:18002 --chdir bench 'baseline_app:create_app()'

It verifies the bearer token exactly as taskhub does (PyJWT, HS256 pinned, header
`typ: at+jwt`, `iss`, `aud`, `exp iat sub iss aud jti` required), on every request (no
memory of tokens already seen), and runs the same single keyset query for one page as
taskhub: the very statement taskhub's task list sends (`ORDER BY created_at DESC, id
DESC LIMIT n + 1` on the `ix_work_tasks_project_created` index, the project key joined,
each task's assignees and labels as ordered arrays in subselects; `cursor` continues
after the last row with a row-value comparison), on one psycopg connection per worker
process (autocommit, so no BEGIN/COMMIT round trips), and returns `{"items": [...],
"next_cursor": ...}` with orjson. Nothing else: no session or membership lookup, no rate
limit, no access log, no metrics.

With BASELINE_CHECKS=full it also does, hand-written on that one connection, the rest
of what taskhub's answer requires: the session is live and its user active (one
query) and the caller is a member of a live organization (one query). That is the same
work as taskhub without its layers, to tell the cost of the work from the cost of the
framework.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid
from datetime import datetime
from typing import Any

import falcon
import jwt
import orjson
import psycopg

ALGORITHM = "HS256"
ISSUER = "taskhub"
AUDIENCE = "taskhub-api"
TOKEN_TYPE = "at+jwt"
REQUIRED = ["exp", "iat", "sub", "iss", "aud", "jti"]
MAX_LIMIT = 100

# The one statement taskhub's task list sends for this page (its read model,
# src/taskhub/contexts/work/adapters/sql/task_list.py): the project key joined, each
# task's assignees and labels from the sorted id arrays its row carries.
_COLUMNS = (
    "t.id, t.project_id, t.number, p.key || '-' || t.number::text AS key, t.title, "
    "t.description, t.status, t.priority, t.due_at, t.parent_id, "
    "t.assignee_ids, t.label_ids, t.created_by, t.created_at, t.updated_at, t.version, "
    "t.state_id, t.rank, t.estimate, t.start_at, t.cycle_id, t.milestone_id"
)
PAGE_SQL = (
    f"SELECT {_COLUMNS} FROM work_tasks t JOIN work_projects p ON p.id = t.project_id "
    "WHERE t.deleted_at IS NULL AND p.deleted_at IS NULL AND t.org_id = %s "
    "AND t.project_id = %s ORDER BY t.created_at DESC, t.id DESC LIMIT %s"
)
NEXT_PAGE_SQL = (
    f"SELECT {_COLUMNS} FROM work_tasks t JOIN work_projects p ON p.id = t.project_id "
    "WHERE t.deleted_at IS NULL AND p.deleted_at IS NULL AND t.org_id = %s "
    "AND t.project_id = %s AND (t.created_at, t.id) < (%s, %s) "
    "ORDER BY t.created_at DESC, t.id DESC LIMIT %s"
)
SESSION_SQL = (
    "SELECT 1 FROM identity_sessions s JOIN identity_users u ON u.id = s.user_id "
    "WHERE s.id = %s AND s.user_id = %s AND s.revoked_at IS NULL AND u.is_active"
)
MEMBER_SQL = (
    "SELECT m.role FROM tenancy_memberships m JOIN tenancy_organizations o ON o.id = m.org_id "
    "WHERE m.org_id = %s AND m.user_id = %s AND o.deleted_at IS NULL"
)
_NAMES = (
    "id",
    "project_id",
    "number",
    "key",
    "title",
    "description",
    "status",
    "priority",
    "due_at",
    "parent_id",
    "assignee_ids",
    "label_ids",
    "created_by",
    "created_at",
    "updated_at",
    "version",
    "state_id",
    "rank",
    "estimate",
    "start_at",
    "cycle_id",
    "milestone_id",
)
_CREATED_AT = _NAMES.index("created_at")


class TaskList:
    def __init__(self, secret_key: str, dsn: str, *, full: bool = False) -> None:
        self._full = full
        self._key = secret_key.encode()
        self._cursor_key = hmac.new(self._key, b"baseline-cursor", hashlib.sha256).digest()
        self._dsn = dsn
        self._conn: psycopg.Connection[Any] | None = None  # opened in the worker, after fork
        self._decoder = jwt.PyJWT()

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self._dsn, autocommit=True)
        return self._conn

    def _authenticate(self, req: falcon.Request) -> tuple[uuid.UUID, uuid.UUID]:
        scheme, _, token = (req.auth or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise falcon.HTTPUnauthorized(challenges=["Bearer"])
        try:
            decoded = self._decoder.decode_complete(
                token.strip(),
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": REQUIRED},
            )
            if decoded["header"].get("typ") != TOKEN_TYPE:
                raise jwt.InvalidTokenError("typ")
            return uuid.UUID(decoded["payload"]["sub"]), uuid.UUID(decoded["payload"]["sid"])
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            raise falcon.HTTPUnauthorized(challenges=["Bearer"]) from None

    def _encode_cursor(self, created_at: datetime, task_id: uuid.UUID) -> str:
        payload = orjson.dumps([created_at.isoformat(), str(task_id)])
        mac = hmac.new(self._cursor_key, payload, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(payload + mac).rstrip(b"=").decode()

    def _decode_cursor(self, cursor: str) -> tuple[datetime, uuid.UUID]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            payload, mac = raw[:-16], raw[-16:]
            expected = hmac.new(self._cursor_key, payload, hashlib.sha256).digest()[:16]
            if not hmac.compare_digest(mac, expected):
                raise ValueError("mac")
            created_at, task_id = orjson.loads(payload)
            return datetime.fromisoformat(created_at), uuid.UUID(task_id)
        except (ValueError, TypeError, orjson.JSONDecodeError):
            raise falcon.HTTPBadRequest(title="invalid cursor") from None

    def on_get(self, req: falcon.Request, resp: falcon.Response, org_id: str) -> None:
        user_id, session_id = self._authenticate(req)
        try:
            org = uuid.UUID(org_id)
            project = uuid.UUID(req.get_param("project_id", required=True))
            limit = int(req.get_param("limit") or 20)
        except ValueError:
            raise falcon.HTTPUnprocessableEntity() from None
        if not 1 <= limit <= MAX_LIMIT:
            raise falcon.HTTPUnprocessableEntity()
        cursor = req.get_param("cursor")
        if cursor:
            created_at, task_id = self._decode_cursor(cursor)
            query, args = NEXT_PAGE_SQL, (org, project, created_at, task_id, limit + 1)
        else:
            query, args = PAGE_SQL, (org, project, limit + 1)
        try:
            conn = self._connection()
            if self._full:
                if conn.execute(SESSION_SQL, (session_id, user_id)).fetchone() is None:
                    raise falcon.HTTPUnauthorized(challenges=["Bearer"])
                if conn.execute(MEMBER_SQL, (org, user_id)).fetchone() is None:
                    raise falcon.HTTPNotFound()
            rows = conn.execute(query, args).fetchall()
        except psycopg.OperationalError:
            self._conn = None  # reconnect on the next request
            raise falcon.HTTPServiceUnavailable() from None
        more = len(rows) > limit
        rows = rows[:limit]
        items = []
        for row in rows:
            item = dict(zip(_NAMES, row, strict=True))
            item["assignee_ids"] = item["assignee_ids"] or []
            item["label_ids"] = item["label_ids"] or []
            items.append(item)
        last = rows[-1] if more and rows else None
        next_cursor = self._encode_cursor(last[_CREATED_AT], last[0]) if last else None
        resp.content_type = "application/json"
        resp.data = orjson.dumps(
            {"items": items, "next_cursor": next_cursor}, option=orjson.OPT_UTC_Z
        )


def create_app() -> falcon.App:
    app = falcon.App()
    app.add_route(
        "/api/v1/orgs/{org_id}/tasks",
        TaskList(
            os.environ["TASKHUB_SECRET_KEY"],
            os.environ["BENCH_DATABASE_DSN"],
            full=os.environ.get("BASELINE_CHECKS", "") == "full",
        ),
    )
    return app
