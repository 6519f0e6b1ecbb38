"""Integrations' events: webhook changes are audited; a disabled webhook is announced."""

import uuid
from typing import Any

import attrs

from taskhub.contexts.integrations.public.events import WEBHOOK_DISABLED, WEBHOOK_PING
from taskhub.shared_kernel.events import AuditFacts, DomainEvent, IntegrationEvent

__all__ = ["WEBHOOK_DISABLED", "WEBHOOK_PING", "WebhookDisabled", "WebhookEvent"]


@attrs.frozen(kw_only=True)
class WebhookEvent(DomainEvent):
    org_id: uuid.UUID
    webhook_id: uuid.UUID
    action: str
    changes: dict[str, tuple[Any, Any]] = attrs.field(factory=dict)

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action=self.action,
            entity_type="webhook",
            entity_id=self.webhook_id,
            org_id=self.org_id,
            changes=self.changes,
        )


@attrs.frozen(kw_only=True)
class WebhookDisabled(WebhookEvent):
    """Audited, and announced to the organization's other webhooks."""

    reason: str
    url: str

    def integration_event(self) -> IntegrationEvent:
        return IntegrationEvent(
            event_id=self.event_id,
            type=WEBHOOK_DISABLED,
            org_id=self.org_id,
            occurred_at=self.occurred_at,
            ordering_key=str(self.webhook_id),
            data={"webhook_id": str(self.webhook_id), "url": self.url, "reason": self.reason},
        )
