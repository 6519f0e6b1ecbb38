"""An in-memory invitation repository, for tenancy's fake unit of work."""

import uuid
from datetime import datetime

from taskhub.contexts.tenancy.domain.invitation import (
    Invitation,
    InvitationPending,
    InvitationStatus,
)
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.staged_unit_of_work import stored_copy


class FakeInvitationRepository:
    def __init__(self, invitations: dict[tuple[uuid.UUID, uuid.UUID], Invitation]) -> None:
        self._rows = invitations

    def add(self, invitation: Invitation) -> None:
        if self.open_for(invitation.org_id, invitation.email_canonical) is not None:
            raise InvitationPending()
        self._rows[(invitation.org_id, invitation.id)] = stored_copy(invitation)

    def get(self, org_id: uuid.UUID, invitation_id: uuid.UUID) -> Invitation | None:
        found = self._rows.get((org_id, invitation_id))
        return stored_copy(found) if found else None

    def find_by_token(self, token_hash: str) -> Invitation | None:
        for invitation in self._rows.values():
            if invitation.token_hash == token_hash:
                return stored_copy(invitation)
        return None

    def open_for(self, org_id: uuid.UUID, email_canonical: str) -> Invitation | None:
        for invitation in self._rows.values():
            if (
                invitation.org_id == org_id
                and invitation.email_canonical == email_canonical
                and invitation.status is InvitationStatus.PENDING
            ):
                return stored_copy(invitation)
        return None

    def close(self, invitation: Invitation) -> bool:
        stored = self._rows.get((invitation.org_id, invitation.id))
        if stored is None or stored.status is not InvitationStatus.PENDING:
            return False
        self._rows[(invitation.org_id, invitation.id)] = stored_copy(invitation)
        return True

    def page(
        self,
        org_id: uuid.UUID,
        status: InvitationStatus | None,
        now: datetime,
        page: PageRequest,
    ) -> Page[Invitation]:
        rows = [
            stored_copy(i)
            for i in self._rows.values()
            if i.org_id == org_id and (status is None or i.status_at(now) is status)
        ]
        return keyset_page(rows, page, by_time_then_id(creation_key, descending=True))
