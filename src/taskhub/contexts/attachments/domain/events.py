"""Attachments' events: every change is audited in the organization's log; creation,
deletion and restoration are also published."""

import uuid
from typing import Any, ClassVar

import attrs

from taskhub.contexts.attachments.public.events import (
    ATTACHMENT_CREATED,
    ATTACHMENT_DELETED,
    ATTACHMENT_RESTORED,
)
from taskhub.shared_kernel.events import AuditFacts, DomainEvent, IntegrationEvent


@attrs.frozen(kw_only=True)
class AttachmentEvent(DomainEvent):
    """Something that happened to one attachment, audited in its organization's log.

    `attachment` is the attachment as the API shows it, the published `data`."""

    org_id: uuid.UUID
    attachment_id: uuid.UUID
    attachment: dict[str, Any]
    changes: dict[str, tuple[Any, Any]] = attrs.field(factory=dict)

    action: ClassVar[str] = ""
    published: ClassVar[bool] = True

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action=self.action,
            entity_type="attachment",
            entity_id=self.attachment_id,
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
            ordering_key=str(self.attachment_id),
            data=self.attachment,
        )


@attrs.frozen(kw_only=True)
class AttachmentCreated(AttachmentEvent):
    action = ATTACHMENT_CREATED


@attrs.frozen(kw_only=True)
class AttachmentDeleted(AttachmentEvent):
    action = ATTACHMENT_DELETED


@attrs.frozen(kw_only=True)
class AttachmentRestored(AttachmentEvent):
    action = ATTACHMENT_RESTORED


@attrs.frozen(kw_only=True)
class AttachmentPurged(AttachmentEvent):
    """Its bytes were removed from storage after the retention window: audited only."""

    action = "attachment.purged"
    published = False
