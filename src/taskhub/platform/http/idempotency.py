"""Idempotency keys: a retried POST runs once, and the retry gets the first answer.

A client that sends `Idempotency-Key` on a POST may repeat the request (a timeout, a
dropped connection) without doing the work twice. The dispatch pipeline asks the
`IdempotencyGuard` before calling the handler:

- `begin` claims the key with a `running` row (one upsert that also takes over an
  expired row), committed on its own before the handler runs, so the database decides
  a race between processes and hosts: exactly one request wins the row. A loser gets
  the stored response if the winner finished, 409 if it is still running, and 422 if
  it sent a different request under that key.
- `complete` stores a 2xx response (status, body, a few headers) for 24 hours from the
  first request; anything else releases the claim, so a request that failed (a 4xx, a
  crash) can be retried under the same key.
- `abandon` releases the claim when the handler raised.

A claim whose request died with its process expires after `CLAIM_LEASE` and may then be
taken over. Keys belong to a principal (`user:<id>` or `key:<id>`); anonymous requests
have none, so the pipeline ignores the header on PUBLIC endpoints.

The fingerprint is an HMAC-SHA-256 (keyed from the secret key) of method, path and raw
body: bodies may hold passwords, and a bare hash of one could be brute-forced offline.
"""

import hashlib
import hmac
import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final

import attrs
import falcon
import sqlalchemy as sa
import structlog
from sqlalchemy.engine import Engine

from taskhub.platform.http.endpoints import Access, Endpoint
from taskhub.platform.http.problems import HttpProblem
from taskhub.platform.http.streamed_bodies import STREAMED_BODIES
from taskhub.platform.idempotency_tables import idempotency_keys as keys
from taskhub.platform.sql_upsert import dialect_insert
from taskhub.platform.unit_of_work import statement_on_its_own
from taskhub.shared_kernel.clock import Clock, SystemClock

HEADER: Final = "Idempotency-Key"
REPLAYED_HEADER: Final = "Idempotent-Replayed"
MAX_KEY_LENGTH: Final = 255
RETENTION: Final = timedelta(hours=24)
"""How long a completed response is replayed, counted from the first request."""
CLAIM_LEASE: Final = timedelta(minutes=5)
"""How long a claim outlives the request that holds it at most; far above any timeout."""
SWEEP_INTERVAL_SECONDS: Final = 60.0
STORED_HEADERS: Final = ("Content-Type", "ETag", "Location", "Link")
"""Response headers that describe the result; the rest (rate limits, ids) are per request."""

_RUNNING = "running"
_DONE = "done"
_CLAIM_ATTEMPTS = 3

log = structlog.get_logger("taskhub.idempotency")


class InvalidIdempotencyKey(HttpProblem):
    code = "invalid_idempotency_key"
    status = 400


class IdempotencyKeyReused(HttpProblem):
    code = "idempotency_key_reused"
    status = 422


class IdempotencyRequestInProgress(HttpProblem):
    code = "idempotency_request_in_progress"
    status = 409


def takes_idempotency_key(endpoint: Endpoint) -> bool:
    """POSTs that need credentials: keys are scoped per principal, anonymous callers have none.

    Not streamed uploads: a key's request is known by its body, which a stream has not
    yet read when the key must be claimed (ADR 0026)."""
    return (
        endpoint.method == "POST"
        and endpoint.access is not Access.PUBLIC
        and endpoint.body not in STREAMED_BODIES
    )


def valid_key(value: str) -> bool:
    return 1 <= len(value) <= MAX_KEY_LENGTH and value.isprintable() and not value.isspace()


@attrs.frozen
class IdempotentRequest:
    """A request that carries a key: who sent it, the key, and what makes it this request."""

    principal: str
    key: str
    method: str
    path: str
    body: bytes

    @classmethod
    def from_http(
        cls, req: falcon.Request, endpoint: Endpoint, principal: str | None, body: bytes
    ) -> "IdempotentRequest | None":
        """The request's key, or None when it sent none or the endpoint takes none."""
        if principal is None or not takes_idempotency_key(endpoint):
            return None
        key = req.get_header(HEADER)
        if key is None:
            return None
        if not valid_key(key):
            raise InvalidIdempotencyKey(
                f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters."
            )
        return cls(principal=principal, key=key, method=req.method, path=req.path, body=body)


@attrs.frozen
class StoredResponse:
    """What a completed request answered, as it is replayed."""

    status: int
    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: bytes | None = None

    @classmethod
    def of(cls, resp: falcon.Response) -> "StoredResponse":
        headers = {
            name: value for name in STORED_HEADERS if (value := resp.get_header(name)) is not None
        }
        body = resp.render_body()
        return cls(status=resp.status_code, headers=headers, body=body)

    def replay_to(self, resp: falcon.Response) -> None:
        resp.status = self.status
        for name, value in self.headers.items():
            resp.set_header(name, value)
        resp.set_header(REPLAYED_HEADER, "true")
        if self.body is not None:
            resp.data = self.body


@attrs.frozen
class Claim:
    """The right to run a request under a key, held until `complete` or `abandon`."""

    principal: str
    key: str
    id: uuid.UUID
    created_at: datetime


class IdempotencyGuard:
    """Claims, stores and releases idempotency keys in the database shared by every process."""

    def __init__(self, engine: Engine, secret_key: str, clock: Clock | None = None) -> None:
        self._engine = engine
        self._mac_key = hmac.new(
            secret_key.encode(), b"taskhub-idempotency-v1", hashlib.sha256
        ).digest()
        self._clock = clock or SystemClock()
        self._next_sweep = 0.0

    def fingerprint(self, request: IdempotentRequest) -> str:
        mac = hmac.new(self._mac_key, digestmod=hashlib.sha256)
        for part in (request.method.encode(), request.path.encode()):
            mac.update(len(part).to_bytes(4, "big") + part)
        mac.update(request.body)
        return mac.hexdigest()

    def begin(self, request: IdempotentRequest) -> Claim | StoredResponse:
        """Claim the key for this request, or return the response to replay.

        Raises `IdempotencyKeyReused` when the key went with a different request and
        `IdempotencyRequestInProgress` while the request that holds it is running.
        """
        fingerprint = self.fingerprint(request)
        for _ in range(_CLAIM_ATTEMPTS):
            now = self._clock.now()
            claim = self._claim(request, fingerprint, now)
            if claim is not None:
                self._sweep_if_due(now)
                return claim
            row = self._find(request.principal, request.key)
            if row is None:
                continue  # released or swept since the INSERT failed: try again
            if row.fingerprint != fingerprint:
                raise IdempotencyKeyReused(
                    f"This {HEADER} was used with a different request; use a new key."
                )
            if row.state == _DONE:
                return StoredResponse(
                    status=row.response_status,
                    headers=row.response_headers or {},
                    body=row.response_body,
                )
            break
        raise IdempotencyRequestInProgress(
            f"A request with this {HEADER} is still running; retry once it has finished."
        )

    def complete(
        self, claim: Claim, response: StoredResponse, *, succeeded: bool | None = None
    ) -> None:
        """Keep a successful response for replay; release the key after anything else.

        `succeeded` overrides the status check when the stored response is not the one
        sent (a withheld secret: the request succeeded, its replay is a problem).
        """
        if not (succeeded if succeeded is not None else 200 <= response.status < 300):
            self.abandon(claim)
            return
        values = {
            **_held_values(claim),
            "state": _DONE,
            "expires_at": claim.created_at + RETENTION,
            "response_status": response.status,
            "response_headers": dict(response.headers),
            "response_body": response.body,
        }
        # The handler's work is committed: failing the response now would invite a retry
        # that does it again. The claim runs out after its lease instead.
        self._quietly("complete", _COMPLETE, values)

    def abandon(self, claim: Claim) -> None:
        """Release the key: the request failed, so its retry must run."""
        self._quietly("abandon", _ABANDON, _held_values(claim))

    def _claim(self, request: IdempotentRequest, fingerprint: str, now: datetime) -> Claim | None:
        """One statement: insert the claim, or take over the key's expired row; nothing
        when a live row holds the key (the unique key makes a racing claimer wait for
        the first to commit, then see its row)."""
        claim = Claim(request.principal, request.key, uuid.uuid4(), now)
        values = {
            "principal": claim.principal,
            "idempotency_key": claim.key,
            "claim_id": claim.id,
            "fingerprint": fingerprint,
            "state": _RUNNING,
            "created_at": now,
            "expires_at": now + CLAIM_LEASE,
        }
        try:
            with statement_on_its_own(self._engine) as connection:
                claimed = connection.execute(_claim_statement(connection), values).first()
        except sa.exc.IntegrityError:
            return None
        return claim if claimed is not None else None

    def _find(self, principal: str, key: str) -> sa.Row[Any] | None:
        query = sa.select(keys).where(keys.c.principal == principal, keys.c.idempotency_key == key)
        with statement_on_its_own(self._engine) as connection:
            return connection.execute(query).first()

    def _sweep_if_due(self, now: datetime) -> None:
        """Delete expired rows now and then, so keys nobody reuses do not pile up."""
        if time.monotonic() < self._next_sweep:
            return
        self._next_sweep = time.monotonic() + SWEEP_INTERVAL_SECONDS
        self._quietly("sweep", sa.delete(keys).where(keys.c.expires_at <= now))

    def _quietly(
        self, action: str, statement: sa.Executable, values: Mapping[str, Any] | None = None
    ) -> None:
        try:
            with statement_on_its_own(self._engine) as connection:
                connection.execute(statement, dict(values) if values is not None else None)
        except sa.exc.SQLAlchemyError as error:
            log.error("idempotency_store_failed", action=action, error=type(error).__name__)


_CLAIM_STATEMENTS: dict[str, sa.Executable] = {}


def _claim_statement(connection: sa.Connection) -> sa.Executable:
    """Built once per dialect, with bound parameters, so a request compiles nothing."""
    dialect = connection.dialect.name
    if dialect not in _CLAIM_STATEMENTS:
        insert = dialect_insert(connection, keys)
        taken_over = {
            name: insert.excluded[name]
            for name in ("claim_id", "fingerprint", "state", "created_at", "expires_at")
        }
        _CLAIM_STATEMENTS[dialect] = insert.on_conflict_do_update(
            index_elements=[keys.c.principal, keys.c.idempotency_key],
            set_={
                **taken_over,
                "response_status": None,
                "response_headers": None,
                "response_body": None,
            },
            where=keys.c.expires_at <= insert.excluded.created_at,
        ).returning(keys.c.claim_id)
    return _CLAIM_STATEMENTS[dialect]


_HELD = (
    keys.c.principal == sa.bindparam("held_principal"),
    keys.c.idempotency_key == sa.bindparam("held_key"),
    keys.c.claim_id == sa.bindparam("held_claim_id"),
    keys.c.state == _RUNNING,
)
_COMPLETE = sa.update(keys).where(*_HELD)
_ABANDON = sa.delete(keys).where(*_HELD)


def _held_values(claim: Claim) -> dict[str, Any]:
    return {"held_principal": claim.principal, "held_key": claim.key, "held_claim_id": claim.id}
