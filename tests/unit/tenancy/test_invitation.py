"""The invitation's own rules: expiry read from the clock, acceptance by the invited
email only, once; revocation only while pending."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from taskhub.contexts.tenancy.domain.invitation import (
    INVITATION_LIFETIME,
    Invitation,
    InvitationStatus,
)
from taskhub.shared_kernel.errors import Conflict, PermissionDenied, ValidationFailed
from taskhub.shared_kernel.roles import Role

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _invitation() -> Invitation:
    return Invitation.issue(
        org_id=uuid.uuid4(),
        email="Grace@Example.com",
        role=Role.ADMIN,
        token_hash="digest",
        invited_by=uuid.uuid4(),
        now=NOW,
    )


def test_a_new_invitation_is_pending_for_seven_days_and_published() -> None:
    invitation = _invitation()
    assert invitation.status_at(NOW + INVITATION_LIFETIME - timedelta(seconds=1)) is (
        InvitationStatus.PENDING
    )
    assert invitation.status_at(NOW + INVITATION_LIFETIME) is InvitationStatus.EXPIRED
    [created] = invitation.pull_events()
    event = created.integration_event()
    assert event is not None
    assert event.type == "invitation.created"
    assert event.data["email"] == "Grace@Example.com"
    facts = created.audit_facts()
    assert facts is not None
    assert "email" not in facts.changes


def test_only_the_invited_email_accepts_once_in_time() -> None:
    invitation = _invitation()
    with pytest.raises(PermissionDenied):
        invitation.accept(uuid.uuid4(), "eve@example.com", NOW)
    user_id = uuid.uuid4()
    invitation.accept(user_id, " grace@EXAMPLE.com ", NOW)
    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.accepted_by == user_id
    with pytest.raises(ValidationFailed):
        invitation.accept(user_id, "grace@example.com", NOW)
    late = _invitation()
    with pytest.raises(ValidationFailed):
        late.accept(user_id, "grace@example.com", NOW + INVITATION_LIFETIME)


def test_only_a_pending_invitation_is_revoked() -> None:
    invitation = _invitation()
    invitation.revoke(NOW)
    assert invitation.status_at(NOW) is InvitationStatus.REVOKED
    with pytest.raises(Conflict):
        invitation.revoke(NOW)
    expired = _invitation()
    with pytest.raises(Conflict):
        expired.revoke(NOW + INVITATION_LIFETIME)
