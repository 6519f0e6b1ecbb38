"""The published question: "what has happened to this entity?", answered from the org's log.

The work context shows a task's activity with it; any context may ask about its own
entities. The caller decides who may see the answer (a task's viewers, say) and which
of its fields to show.
"""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

import attrs

from taskhub.shared_kernel.acting import ActorType
from taskhub.shared_kernel.pagination import Page, PageRequest


@attrs.frozen(kw_only=True)
class AuditEntryView:
    """One audit entry as other contexts see it; `changes` maps a field to (old, new)."""

    id: uuid.UUID
    occurred_at: datetime
    actor_type: ActorType
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: uuid.UUID
    changes: Mapping[str, tuple[Any, Any]]
    ip: str | None
    user_agent: str | None
    request_id: str | None


class EntityHistory(Protocol):
    def history(
        self, org_id: uuid.UUID, entity_type: str, entity_id: uuid.UUID, page: PageRequest
    ) -> Page[AuditEntryView]:
        """The entity's entries in the organization's log, newest first (keyset-paginated)."""
        ...
