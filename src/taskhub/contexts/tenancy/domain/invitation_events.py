"""Invitation events: audited in the organization's log and published
(`invitation.created|accepted|revoked`)."""

from typing import Any

import attrs

from taskhub.contexts.tenancy.public.events import (
    INVITATION_ACCEPTED,
    INVITATION_CREATED,
    INVITATION_REVOKED,
)
from taskhub.shared_kernel.events import IntegrationEvent, OrgEvent


@attrs.frozen(kw_only=True)
class InvitationEvent(OrgEvent):
    """`entity_id` is the invitation; `data` is the invitation as the API shows it."""

    data: dict[str, Any]
    entity_type = "invitation"

    def integration_event(self) -> IntegrationEvent:
        return IntegrationEvent(
            event_id=self.event_id,
            type=self.action,
            org_id=self.org_id,
            occurred_at=self.occurred_at,
            ordering_key=str(self.entity_id),
            data=dict(self.data),
        )


@attrs.frozen(kw_only=True)
class InvitationCreated(InvitationEvent):
    action = INVITATION_CREATED


@attrs.frozen(kw_only=True)
class InvitationAccepted(InvitationEvent):
    action = INVITATION_ACCEPTED


@attrs.frozen(kw_only=True)
class InvitationRevoked(InvitationEvent):
    action = INVITATION_REVOKED
