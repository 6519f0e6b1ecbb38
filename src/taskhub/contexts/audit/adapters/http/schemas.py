"""Response bodies of the audit endpoints."""

import uuid
from datetime import datetime
from typing import Any

import attrs

from taskhub.platform.http.fields import described
from taskhub.shared_kernel.acting import ActorType


@attrs.frozen
class AuditEntryBody:
    """One audit entry: who did what to which entity, when and from where."""

    id: uuid.UUID
    occurred_at: datetime
    actor_type: ActorType
    actor_id: uuid.UUID | None = described("The user or API key that acted; null for the system.")
    action: str = described("What happened, such as `member.added`.", examples=["member.added"])
    entity_type: str = described("The kind of thing it happened to.", examples=["member"])
    entity_id: uuid.UUID = described("The id of the thing it happened to.")
    changes: dict[str, list[Any]] = described(
        "Each changed field as `[old, new]`. Secrets and hashes never appear; a field "
        'that could hold one reads `["[redacted]", "[redacted]"]`.'
    )
    ip: str | None = described("The client address the request came from, if any.")
    user_agent: str | None = described("The client's User-Agent, if any.")
    request_id: str | None = described("The request's X-Request-ID, if any.")


@attrs.frozen
class AuditVerificationBody:
    """The result of re-checking an organization's hash chain."""

    valid: bool = described("Whether every entry and link checks out.")
    entries: int = described("How many entries were checked.")
    first_bad_entry_id: uuid.UUID | None = described(
        "The first entry that does not check out; null when the chain is valid, and "
        "also when entries are missing after the last one found."
    )
