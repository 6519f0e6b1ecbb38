"""The contract every implementation of tenancy's invitation repository keeps (the fake
in tests/unit, SQL on SQLite and PostgreSQL in tests/integration)."""

import uuid
from datetime import datetime, timedelta

import pytest

from taskhub.contexts.tenancy.domain.invitation import (
    Invitation,
    InvitationPending,
    InvitationStatus,
)
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.roles import Role
from tests.contracts.tenancy import NOW, UowFactory, at, new_org


def _invitation(org_id: uuid.UUID, email: str, minutes: int = 0, token: str = "") -> Invitation:
    return Invitation.issue(
        org_id=org_id,
        email=email,
        role=Role.MEMBER,
        token_hash=token or new_id().hex,
        invited_by=new_id(),
        now=at(minutes),
    )


class InvitationRepositoryContract:
    def _org(self, uow_factory: UowFactory) -> uuid.UUID:
        org = new_org(f"inv-{new_id().hex[:8]}")
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.commit()
        return org.id

    def test_an_invitation_reads_back_by_id_and_token(self, uow_factory: UowFactory) -> None:
        org_id = self._org(uow_factory)
        invitation = _invitation(org_id, "Grace@Example.com", token="t" * 64)
        with uow_factory() as uow:
            uow.invitations.add(invitation)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            by_id = uow.invitations.get(invitation.org_id, invitation.id)
            by_token = uow.invitations.find_by_token("t" * 64)
            open_one = uow.invitations.open_for(invitation.org_id, "grace@example.com")
            assert uow.invitations.get(new_id(), invitation.id) is None
        for found in (by_id, by_token, open_one):
            assert found is not None
            assert (found.id, found.email, found.role, found.status) == (
                invitation.id,
                "Grace@Example.com",
                Role.MEMBER,
                InvitationStatus.PENDING,
            )
            assert found.expires_at == invitation.expires_at

    def test_one_pending_invitation_per_email_and_organization(
        self, uow_factory: UowFactory
    ) -> None:
        org_id = self._org(uow_factory)
        with uow_factory() as uow:
            uow.invitations.add(_invitation(org_id, "a@example.com"))
            uow.commit()
        with uow_factory() as uow, pytest.raises(InvitationPending):
            uow.invitations.add(_invitation(org_id, "A@example.com"))
        other_org = self._org(uow_factory)
        with uow_factory() as uow:
            uow.invitations.add(_invitation(other_org, "a@example.com"))
            uow.commit()

    def test_closing_happens_once(self, uow_factory: UowFactory) -> None:
        org_id = self._org(uow_factory)
        invitation = _invitation(org_id, "b@example.com")
        with uow_factory() as uow:
            uow.invitations.add(invitation)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            first = uow.invitations.get(invitation.org_id, invitation.id)
        assert first is not None
        with uow_factory() as uow:
            first.revoke(NOW)
            assert uow.invitations.close(first) is True
            uow.commit()
        with uow_factory() as uow:
            assert uow.invitations.close(first) is False
            assert uow.invitations.open_for(invitation.org_id, "b@example.com") is None
            # A new invitation for the email can be made once the old one is closed.
            uow.invitations.add(_invitation(invitation.org_id, "b@example.com"))
            uow.commit()

    def test_lists_filter_by_status_as_read_at_a_time_newest_first(
        self, uow_factory: UowFactory
    ) -> None:
        org_id = self._org(uow_factory)
        old = _invitation(org_id, "old@example.com", minutes=0)
        new = _invitation(org_id, "new@example.com", minutes=5)
        with uow_factory() as uow:
            uow.invitations.add(old)
            uow.invitations.add(new)
            uow.commit()
        later = old.expires_at + timedelta(minutes=1)

        def emails(status: InvitationStatus | None, when: datetime = NOW) -> list[str]:
            with uow_factory(read_only=True) as uow:
                page = uow.invitations.page(old.org_id, status, when, PageRequest(limit=10))
            return [i.email for i in page.items]

        assert emails(None) == ["new@example.com", "old@example.com"]
        assert emails(InvitationStatus.PENDING) == ["new@example.com", "old@example.com"]
        assert emails(InvitationStatus.EXPIRED) == []
        assert emails(InvitationStatus.EXPIRED, later) == ["old@example.com"]
        assert emails(InvitationStatus.PENDING, later) == ["new@example.com"]
        assert emails(InvitationStatus.REVOKED) == []
