"""An audit entry: who did what to which entity, when and from where.

Entries are drafted from an event's audit facts and the acting context, then chained
(`domain.chain`) onto the log they belong to. A draft is already in its final form:
its changes are redacted and JSON-ready, so what is hashed is exactly what is stored
and read back, on any database.
"""

import datetime as dt
import enum
import math
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.shared_kernel.acting import ActorType
from taskhub.shared_kernel.ids import new_id

REDACTED = "[redacted]"
"""What stands in, old and new, for a change to a field that may hold a secret."""

SENSITIVE_NAME_PARTS = ("password", "secret", "token", "hash", "key_hash")
"""A field whose name contains any of these (in any case) never shows its values."""

MAX_ACTION_LENGTH = 100
MAX_ENTITY_TYPE_LENGTH = 64
MAX_IP_LENGTH = 64
MAX_USER_AGENT_LENGTH = 512
MAX_REQUEST_ID_LENGTH = 128

Changes = Mapping[str, tuple[Any, Any]]
"""field -> (old, new); values are JSON-ready (see `json_ready`)."""


def is_sensitive(field: str) -> bool:
    lowered = field.lower()
    return any(part in lowered for part in SENSITIVE_NAME_PARTS)


def format_time(value: dt.datetime) -> str:
    """RFC 3339 in UTC with microseconds: one spelling per instant, whatever its zone."""
    if value.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _text(value: str) -> str:
    # Lone surrogates cannot be written as UTF-8; keep them visible, escaped.
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def json_ready(value: Any) -> Any:
    """`value` as plain JSON data (None, bool, int, float, str, list, dict).

    Times become RFC 3339 UTC strings, UUIDs and decimals strings, enums their value,
    tuples and sets lists; keys of nested mappings whose name looks secret are
    redacted too. Anything else is written as its `str`.
    """
    if isinstance(value, enum.Enum):
        return json_ready(value.value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime):
        return format_time(value) if value.tzinfo is not None else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {
            _text(str(key)): REDACTED if is_sensitive(str(key)) else json_ready(item)
            for key, item in value.items()
        }
    if isinstance(value, set | frozenset):
        return sorted((json_ready(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return _text(str(value))


def recorded_changes(changes: Mapping[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """Changes as an entry records them: redacted, JSON-ready, in field order."""
    recorded: dict[str, tuple[Any, Any]] = {}
    for field, (old, new) in sorted(changes.items()):
        name = _text(str(field))
        if is_sensitive(name):
            recorded[name] = (REDACTED, REDACTED)
        else:
            recorded[name] = (json_ready(old), json_ready(new))
    return recorded


def _clip(value: str | None, limit: int) -> str | None:
    """A client-supplied header value, fit for a text column (no NUL) and its length."""
    return None if value is None else _text(value).replace("\x00", "\\x00")[:limit]


def _check_name(value: str, what: str, limit: int) -> str:
    if not value or len(value) > limit:
        raise ValueError(f"an audit {what} must be 1-{limit} characters, not {value!r}")
    return value


@attrs.frozen(kw_only=True)
class EntryDraft:
    """An entry before it takes its place in a chain."""

    id: uuid.UUID
    occurred_at: dt.datetime
    actor_type: ActorType
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: uuid.UUID
    changes: Changes
    ip: str | None
    user_agent: str | None
    request_id: str | None

    @classmethod
    def create(
        cls,
        *,
        occurred_at: dt.datetime,
        actor_type: ActorType,
        actor_id: uuid.UUID | None,
        action: str,
        entity_type: str,
        entity_id: uuid.UUID,
        changes: Mapping[str, tuple[Any, Any]],
        ip: str | None = None,
        user_agent: str | None = None,
        request_id: str | None = None,
        entry_id: uuid.UUID | None = None,
    ) -> "EntryDraft":
        """Redacts and normalises the changes and clips what the client sent to its limits."""
        format_time(occurred_at)  # refuses a naive time
        return cls(
            id=entry_id or new_id(),
            occurred_at=occurred_at.astimezone(dt.UTC),
            actor_type=ActorType(actor_type),
            actor_id=actor_id,
            action=_check_name(action, "action", MAX_ACTION_LENGTH),
            entity_type=_check_name(entity_type, "entity type", MAX_ENTITY_TYPE_LENGTH),
            entity_id=entity_id,
            changes=recorded_changes(changes),
            ip=_clip(ip, MAX_IP_LENGTH),
            user_agent=_clip(user_agent, MAX_USER_AGENT_LENGTH),
            request_id=_clip(request_id, MAX_REQUEST_ID_LENGTH),
        )


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One link of a chain: the entry's facts, its place (`seq`) and its hashes.

    `hash` is HMAC-SHA256, keyed with the key `key_id` names, over the canonical JSON of
    every other field but `prev_hash`, followed by `prev_hash`: changing, removing or
    reordering an entry breaks the links after it. `key_id` is None only on entries
    written before chains were keyed.
    """

    id: uuid.UUID
    chain_key: ChainKey
    seq: int
    occurred_at: dt.datetime
    actor_type: ActorType
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: uuid.UUID
    changes: Changes
    ip: str | None
    user_agent: str | None
    request_id: str | None
    prev_hash: str
    hash: str
    key_id: str | None = None
