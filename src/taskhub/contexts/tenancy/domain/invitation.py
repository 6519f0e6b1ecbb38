"""Invitations: how someone without an account, or not yet a member, joins an organization.

An invitation names an email and a role. Its token travels only in the email; what is
kept is its digest. It is accepted once, by the person who reads that mailbox (the
accepting account's email must be the invited one), within `INVITATION_LIFETIME`;
revoking it, or accepting it, ends the token. An invitation past its expiry is
`expired` whatever it was stored as, so nothing has to sweep them.
"""

import enum
import uuid
from datetime import datetime, timedelta
from typing import Any

import attrs

from taskhub.contexts.tenancy.domain.invitation_events import (
    InvitationAccepted,
    InvitationCreated,
    InvitationRevoked,
)
from taskhub.contexts.tenancy.public.events import InvitationData
from taskhub.shared_kernel.canonical_text import canonical
from taskhub.shared_kernel.errors import Conflict, PermissionDenied, ValidationFailed
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.events import EventRecorder
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.roles import Role

INVITATION_LIFETIME = timedelta(days=7)


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


class InvitationPending(Conflict):
    code = "invitation_pending"

    def __init__(self) -> None:
        super().__init__("A pending invitation for this email exists.")


def unusable_invitation(field: str = "token") -> ValidationFailed:
    """One answer for an unknown, used, revoked or expired invitation token."""
    return ValidationFailed.single(field, "is invalid, used, revoked or expired")


def invited_elsewhere() -> PermissionDenied:
    return PermissionDenied(
        "This invitation was sent to another email address.", code="invitation_email_mismatch"
    )


@attrs.define(kw_only=True)
class Invitation(EventRecorder):
    id: uuid.UUID
    org_id: uuid.UUID
    email: str
    role: Role
    token_hash: str = attrs.field(repr=False)
    invited_by: uuid.UUID
    created_at: datetime
    expires_at: datetime
    status: InvitationStatus = InvitationStatus.PENDING
    accepted_by: uuid.UUID | None = None
    closed_at: datetime | None = None

    @property
    def email_canonical(self) -> str:
        return canonical(self.email)

    @classmethod
    def issue(
        cls,
        *,
        org_id: uuid.UUID,
        email: str,
        role: Role,
        token_hash: str,
        invited_by: uuid.UUID,
        now: datetime,
    ) -> "Invitation":
        invitation = cls(
            id=new_id(),
            org_id=org_id,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=invited_by,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
        invitation.record(
            InvitationCreated(
                event_id=new_id(),
                occurred_at=now,
                org_id=org_id,
                entity_id=invitation.id,
                data=invitation.published(),
                changes={"role": (None, role.value)},
            )
        )
        return invitation

    def status_at(self, now: datetime) -> InvitationStatus:
        if self.status is InvitationStatus.PENDING and now >= self.expires_at:
            return InvitationStatus.EXPIRED
        return self.status

    def is_for(self, email: str) -> bool:
        return canonical(email) == self.email_canonical

    def accept(self, user_id: uuid.UUID, email: str, now: datetime) -> None:
        """The caller checked that the token is this invitation's."""
        if self.status_at(now) is not InvitationStatus.PENDING:
            raise unusable_invitation()
        if not self.is_for(email):
            raise invited_elsewhere()
        self.status = InvitationStatus.ACCEPTED
        self.accepted_by = user_id
        self.closed_at = now
        self.record(self._closing(InvitationAccepted, now))

    def revoke(self, now: datetime) -> None:
        if self.status_at(now) is not InvitationStatus.PENDING:
            raise Conflict("Only a pending invitation can be revoked.", code="invitation_closed")
        self.status = InvitationStatus.REVOKED
        self.closed_at = now
        self.record(self._closing(InvitationRevoked, now))

    def lapse(self) -> None:
        """Store an expired invitation as such, so a new one for the email can be made."""
        self.status = InvitationStatus.EXPIRED

    def _closing(
        self,
        kind: type[InvitationAccepted] | type[InvitationRevoked],
        now: datetime,
    ) -> InvitationAccepted | InvitationRevoked:
        return kind(
            event_id=new_id(),
            occurred_at=now,
            org_id=self.org_id,
            entity_id=self.id,
            data=self.published(now),
            changes={"status": (InvitationStatus.PENDING.value, self.status.value)},
        )

    def published(self, now: datetime | None = None) -> dict[str, Any]:
        """The invitation as the API shows it (the `data` of its events)."""
        status = self.status_at(now) if now else self.status
        return event_data(
            fields_from(InvitationData, self, role=self.role.value, status=status.value)
        )
