"""The floor to compare taskhub's writes against: a hand-written Falcon + psycopg service
doing exactly the database work of a task create, a title change with If-Match and a
comment create, each in one transaction.

    TASKHUB_SECRET_KEY=... \
    BENCH_DATABASE_DSN=postgresql://postgres@127.0.0.1/taskhub_bench_writes \
    .venv/bin/gunicorn -w 2 -b 127.0.0.1:18003 --chdir bench 'baseline_writes:create_app()'

Per request: the bearer token verified as taskhub does (PyJWT, HS256, `typ`, `iss`,
`aud`, required claims; no session or membership lookup: taskhub remembers those in
Redis, so its writes send no statement for them either), the body parsed with orjson,
then one transaction on the worker's one psycopg connection:

- `POST /orgs/{org}/tasks` `{project_id, title}`: the Idempotency-Key claimed (INSERT;
  the unique key decides a race), the task numbered (`UPDATE work_projects SET
  next_number = next_number + 1 ... RETURNING`: the project's row lock), the project's
  todo state and last rank read under that lock, the task row inserted, its `task.created` outbox
  row, its audit entry linked into the organization's chain (the head row locked by an
  upsert that returns it, the link an HMAC-SHA-256 over the canonical JSON of the entry
  and the previous hash, entry and head written by one statement), and the stored
  response for the key; COMMIT.
- `PATCH /orgs/{org}/tasks/{id}` with `If-Match` `{title}`: the live task locked and
  read with its project key, 412 on another version, the row updated (version + 1), the
  outbox row and the audit entry as above; COMMIT. PATCH takes no Idempotency-Key.
- `POST /orgs/{org}/tasks/{id}/comments` `{body}`: claim, the live task checked, the
  comment inserted, outbox, audit, stored response; COMMIT.

The outbox rows are written already published (`published_at` set): the row is the same
work, and taskhub's relay, sharing the table, leaves them alone; the baseline has no
worker. Nothing else: no rate limit, no access log, no metrics, no validation beyond what the
statements need. A replayed key answers the stored response, as taskhub does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import falcon
import jwt
import orjson
import psycopg
from psycopg.types.json import Json

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from taskhub.contexts.work.domain.rank import rank_between  # the same pure function

ALGORITHM = "HS256"
ISSUER = "taskhub"
AUDIENCE = "taskhub-api"
TOKEN_TYPE = "at+jwt"
REQUIRED = ["exp", "iat", "sub", "iss", "aud", "jti"]
RETENTION = timedelta(hours=24)
GENESIS = "0" * 64

CLAIM_SQL = (
    "INSERT INTO platform_idempotency_keys (principal, idempotency_key, claim_id, fingerprint, "
    "state, created_at, expires_at) VALUES (%s, %s, %s, %s, 'running', %s, %s) "
    "ON CONFLICT DO NOTHING"
)
STORED_SQL = (
    "SELECT fingerprint, state, response_status, response_body FROM platform_idempotency_keys "
    "WHERE principal = %s AND idempotency_key = %s"
)
DONE_SQL = (
    "UPDATE platform_idempotency_keys SET state = 'done', expires_at = %s, response_status = %s, "
    "response_headers = %s, response_body = %s WHERE principal = %s AND idempotency_key = %s "
    "AND claim_id = %s"
)
PLACE_SQL = (
    "SELECT (SELECT id FROM work_states WHERE org_id = %s AND project_id = %s "
    "AND category = 'todo' AND deleted_at IS NULL ORDER BY position LIMIT 1), "
    "(SELECT max(rank) FROM work_tasks WHERE org_id = %s AND project_id = %s)"
)
NUMBER_SQL = (
    "UPDATE work_projects SET next_number = next_number + 1 WHERE org_id = %s AND id = %s "
    "AND deleted_at IS NULL AND status <> 'archived' RETURNING next_number, key"
)
INSERT_TASK_SQL = (
    "INSERT INTO work_tasks (id, org_id, project_id, number, title, description, status, "
    "priority, priority_rank, created_by, created_at, updated_at, version, assignee_ids, "
    "label_ids, state_id, rank) VALUES (%s, %s, %s, %s, %s, '', 'todo', 'medium', 2, %s, %s, "
    "%s, 1, '{}', '{}', %s, %s)"
)
LOCK_TASK_SQL = (
    "SELECT t.title, t.version, t.project_id, t.number, p.key, t.status, t.priority, "
    "t.created_by, t.created_at, t.state_id, t.rank FROM work_tasks t JOIN work_projects p "
    "ON p.org_id = t.org_id AND p.id = t.project_id WHERE t.org_id = %s AND t.id = %s "
    "AND t.deleted_at IS NULL AND p.deleted_at IS NULL FOR UPDATE OF t"
)
UPDATE_TASK_SQL = (
    "UPDATE work_tasks SET title = %s, updated_at = %s, version = version + 1 "
    "WHERE org_id = %s AND id = %s"
)
LIVE_TASK_SQL = (
    "SELECT 1 FROM work_tasks t JOIN work_projects p ON p.org_id = t.org_id "
    "AND p.id = t.project_id WHERE t.org_id = %s AND t.id = %s AND t.deleted_at IS NULL "
    "AND p.deleted_at IS NULL"
)
INSERT_COMMENT_SQL = (
    "INSERT INTO work_comments (id, org_id, task_id, author_id, body, created_at, updated_at, "
    "version) VALUES (%s, %s, %s, %s, %s, %s, %s, 1)"
)
OUTBOX_SQL = (
    "INSERT INTO platform_outbox (event_id, event_type, org_id, ordering_key, occurred_at, "
    "payload, actor_id, published_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
HEAD_SQL = (
    "INSERT INTO audit_chain_heads (chain_key, seq, hash) VALUES (%s, 0, %s) "
    "ON CONFLICT (chain_key) DO UPDATE SET seq = audit_chain_heads.seq "
    "RETURNING seq, hash"
)
APPEND_SQL = (
    "WITH entry AS (INSERT INTO audit_entries (id, chain_key, seq, occurred_at, actor_type, "
    "actor_id, action, entity_type, entity_id, changes, ip, user_agent, request_id, prev_hash, "
    "hash, key_id) VALUES (%s, %s, %s, %s, 'user', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)) "
    "UPDATE audit_chain_heads SET seq = %s, hash = %s WHERE chain_key = %s"
)


def _canonical(document: Any) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


class Writes:
    def __init__(self, secret_key: str, dsn: str) -> None:
        self._key = secret_key.encode()
        self._link_key = hmac.new(self._key, b"baseline-audit-link", hashlib.sha256).digest()
        self._key_id = hashlib.sha256(self._link_key).hexdigest()[:16]
        self._fp_key = hmac.new(self._key, b"baseline-idempotency", hashlib.sha256).digest()
        self._dsn = dsn
        self._conn: psycopg.Connection[Any] | None = None  # opened in the worker, after fork
        self._decoder = jwt.PyJWT()

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self._dsn)
        return self._conn

    def _authenticate(self, req: falcon.Request) -> uuid.UUID:
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
            return uuid.UUID(decoded["payload"]["sub"])
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            raise falcon.HTTPUnauthorized(challenges=["Bearer"]) from None

    # ------------------------------------------------------------------ pieces
    def _claim(
        self, cur: psycopg.Cursor[Any], req: falcon.Request, user: uuid.UUID, raw: bytes
    ) -> tuple[str, str, uuid.UUID, datetime] | bytes | None:
        """The claim (principal, key, claim id, time), a stored body to replay, or None."""
        key = req.get_header("Idempotency-Key")
        if key is None:
            return None
        principal = f"user:{user}"
        mac = hmac.new(self._fp_key, req.method.encode() + req.path.encode() + raw, "sha256")
        fingerprint = mac.hexdigest()
        now = datetime.now(UTC)
        claim_id = uuid.uuid4()
        cur.execute(
            CLAIM_SQL,
            (principal, key, claim_id, fingerprint, now, now + timedelta(minutes=5)),
        )
        if cur.rowcount == 1:
            return principal, key, claim_id, now
        row = cur.execute(STORED_SQL, (principal, key)).fetchone()
        if row is None or row[0] != fingerprint:
            raise falcon.HTTPUnprocessableEntity(title="key reused")
        if row[1] != "done":
            raise falcon.HTTPConflict(title="in progress")
        return bytes(row[3])

    def _store(
        self,
        cur: psycopg.Cursor[Any],
        claim: tuple[str, str, uuid.UUID, datetime] | None,
        body: bytes,
    ) -> None:
        if claim is None:
            return
        principal, key, claim_id, at = claim
        cur.execute(
            DONE_SQL,
            (
                at + RETENTION,
                201,
                Json({"Content-Type": "application/json"}),
                body,
                principal,
                key,
                claim_id,
            ),
        )

    def _outbox(
        self,
        cur: psycopg.Cursor[Any],
        kind: str,
        org: uuid.UUID,
        entity: uuid.UUID,
        now: datetime,
        payload: dict[str, Any],
        user: uuid.UUID,
    ) -> None:
        cur.execute(
            OUTBOX_SQL,
            (uuid.uuid4(), kind, org, str(entity), now, Json(payload, dumps=_json_text), user, now),
        )

    def _audit(
        self,
        cur: psycopg.Cursor[Any],
        req: falcon.Request,
        org: uuid.UUID,
        user: uuid.UUID,
        action: str,
        entity_type: str,
        entity: uuid.UUID,
        changes: dict[str, list[Any]],
        now: datetime,
    ) -> None:
        """Lock the chain head (the per-org serialisation point), link, write; last."""
        chain = f"org:{org}"
        seq, prev = cur.execute(HEAD_SQL, (chain, GENESIS)).fetchone()
        entry_id = uuid.uuid4()
        ip = req.remote_addr
        agent = req.user_agent
        request_id = uuid.uuid4().hex
        fields = {
            "id": str(entry_id),
            "chain_key": chain,
            "seq": seq + 1,
            "occurred_at": now.isoformat(),
            "actor_type": "user",
            "actor_id": str(user),
            "action": action,
            "entity_type": entity_type,
            "entity_id": str(entity),
            "changes": changes,
            "ip": ip,
            "user_agent": agent,
            "request_id": request_id,
            "key_id": self._key_id,
        }
        digest = hmac.new(
            self._link_key, _canonical(fields) + prev.encode(), hashlib.sha256
        ).hexdigest()
        cur.execute(
            APPEND_SQL,
            (
                entry_id,
                chain,
                seq + 1,
                now,
                user,
                action,
                entity_type,
                entity,
                Json(changes),
                ip,
                agent,
                request_id,
                prev,
                digest,
                self._key_id,
                seq + 1,
                digest,
                chain,
            ),
        )

    # --------------------------------------------------------------- endpoints
    def on_post_tasks(self, req: falcon.Request, resp: falcon.Response, org_id: str) -> None:
        user = self._authenticate(req)
        raw = req.bounded_stream.read()
        try:
            body = orjson.loads(raw)
            org = uuid.UUID(org_id)
            project = uuid.UUID(body["project_id"])
            title = str(body["title"])
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            raise falcon.HTTPUnprocessableEntity() from None
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cur:
            claim = self._claim(cur, req, user, raw)
            if isinstance(claim, bytes):
                resp.status, resp.data, resp.content_type = 201, claim, "application/json"
                return
            numbered = cur.execute(NUMBER_SQL, (org, project)).fetchone()
            if numbered is None:
                raise falcon.HTTPUnprocessableEntity(title="no such project")
            number, key = numbered
            # The last rank is read under the project's lock, as taskhub reads it.
            state_id, last_rank = cur.execute(PLACE_SQL, (org, project, org, project)).fetchone()
            rank = rank_between(last_rank, None)
            now = datetime.now(UTC)
            task_id = uuid.uuid4()
            cur.execute(
                INSERT_TASK_SQL,
                (task_id, org, project, number, title, user, now, now, state_id, rank),
            )
            task = {
                "id": task_id,
                "project_id": project,
                "number": number,
                "key": f"{key}-{number}",
                "title": title,
                "description": "",
                "status": "todo",
                "priority": "medium",
                "due_at": None,
                "parent_id": None,
                "assignee_ids": [],
                "label_ids": [],
                "created_by": user,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "state_id": state_id,
                "rank": rank,
                "estimate": None,
                "start_at": None,
                "cycle_id": None,
                "milestone_id": None,
            }
            self._outbox(cur, "task.created", org, task_id, now, task, user)
            self._audit(
                cur, req, org, user, "task.created", "task", task_id, {"title": [None, title]}, now
            )
            out = orjson.dumps(task, option=orjson.OPT_UTC_Z)
            self._store(cur, claim, out)
        resp.status, resp.data, resp.content_type = 201, out, "application/json"
        resp.set_header("ETag", '"1"')

    def on_patch_task(
        self, req: falcon.Request, resp: falcon.Response, org_id: str, task_id: str
    ) -> None:
        user = self._authenticate(req)
        try:
            body = orjson.loads(req.bounded_stream.read())
            org, task = uuid.UUID(org_id), uuid.UUID(task_id)
            title = str(body["title"])
            expected = int((req.get_header("If-Match") or "").strip('"'))
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            raise falcon.HTTPUnprocessableEntity() from None
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cur:
            row = cur.execute(LOCK_TASK_SQL, (org, task)).fetchone()
            if row is None:
                raise falcon.HTTPNotFound()
            old_title, version, project, number, key = row[:5]
            if version != expected:
                raise falcon.HTTPPreconditionFailed()
            now = datetime.now(UTC)
            cur.execute(UPDATE_TASK_SQL, (title, now, org, task))
            out = {
                "id": task,
                "project_id": project,
                "number": number,
                "key": f"{key}-{number}",
                "title": title,
                "status": row[5],
                "priority": row[6],
                "created_by": row[7],
                "created_at": row[8],
                "updated_at": now,
                "version": version + 1,
                "state_id": row[9],
                "rank": row[10],
            }
            changes = {"title": [old_title, title]}
            self._outbox(
                cur, "task.updated", org, task, now, {"task": out, "changes": changes}, user
            )
            self._audit(cur, req, org, user, "task.updated", "task", task, changes, now)
        resp.data, resp.content_type = (
            orjson.dumps(out, option=orjson.OPT_UTC_Z),
            "application/json",
        )
        resp.set_header("ETag", f'"{version + 1}"')

    def on_post_comments(
        self, req: falcon.Request, resp: falcon.Response, org_id: str, task_id: str
    ) -> None:
        user = self._authenticate(req)
        raw = req.bounded_stream.read()
        try:
            body = orjson.loads(raw)
            org, task = uuid.UUID(org_id), uuid.UUID(task_id)
            text = str(body["body"])
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            raise falcon.HTTPUnprocessableEntity() from None
        conn = self._connection()
        with conn.transaction(), conn.cursor() as cur:
            claim = self._claim(cur, req, user, raw)
            if isinstance(claim, bytes):
                resp.status, resp.data, resp.content_type = 201, claim, "application/json"
                return
            if cur.execute(LIVE_TASK_SQL, (org, task)).fetchone() is None:
                raise falcon.HTTPNotFound()
            now = datetime.now(UTC)
            comment_id = uuid.uuid4()
            cur.execute(INSERT_COMMENT_SQL, (comment_id, org, task, user, text, now, now))
            comment = {
                "id": comment_id,
                "task_id": task,
                "author_id": user,
                "body": text,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            self._outbox(cur, "comment.created", org, task, now, comment, user)
            self._audit(
                cur,
                req,
                org,
                user,
                "comment.created",
                "comment",
                comment_id,
                {"body": [None, text]},
                now,
            )
            out = orjson.dumps(comment, option=orjson.OPT_UTC_Z)
            self._store(cur, claim, out)
        resp.status, resp.data, resp.content_type = 201, out, "application/json"


def _json_text(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_UTC_Z).decode()


def create_app() -> falcon.App:
    writes = Writes(os.environ["TASKHUB_SECRET_KEY"], os.environ["BENCH_DATABASE_DSN"])
    app = falcon.App()
    app.add_route("/api/v1/orgs/{org_id}/tasks", writes, suffix="tasks")
    app.add_route("/api/v1/orgs/{org_id}/tasks/{task_id}", writes, suffix="task")
    app.add_route("/api/v1/orgs/{org_id}/tasks/{task_id}/comments", writes, suffix="comments")
    return app
