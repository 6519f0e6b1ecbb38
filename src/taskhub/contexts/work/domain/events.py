"""Work's events. Every mutation is audited in the organization's log; task, project and
new-comment events are also published, carrying the resource as the API shows it."""

import uuid
from typing import Any

import attrs

from taskhub.shared_kernel.events import AuditFacts, DomainEvent, IntegrationEvent


@attrs.frozen(kw_only=True)
class WorkEvent(DomainEvent):
    """`action` is also the published type when `published` is true."""

    org_id: uuid.UUID
    entity_type: str
    entity_id: uuid.UUID
    action: str
    changes: dict[str, tuple[Any, Any]] = attrs.field(factory=dict)
    published: bool = False
    snapshot: dict[str, Any] = attrs.field(factory=dict)
    ordering_key: str = ""

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action=self.action,
            entity_type=self.entity_type,
            entity_id=self.entity_id,
            org_id=self.org_id,
            changes=self.changes,
        )

    def integration_event(self) -> IntegrationEvent | None:
        if not self.published:
            return None
        return IntegrationEvent(
            event_id=self.event_id,
            type=self.action,
            org_id=self.org_id,
            occurred_at=self.occurred_at,
            ordering_key=self.ordering_key or str(self.entity_id),
            data=self.snapshot,
        )
