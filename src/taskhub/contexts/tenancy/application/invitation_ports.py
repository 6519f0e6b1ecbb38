"""What the invitation use cases need besides tenancy's unit of work."""

import uuid
from datetime import datetime
from typing import Protocol

from taskhub.contexts.tenancy.domain.invitation import Invitation, InvitationStatus
from taskhub.shared_kernel.pagination import Page, PageRequest


class InvitationRepository(Protocol):
    def add(self, invitation: Invitation) -> None: ...

    def get(self, org_id: uuid.UUID, invitation_id: uuid.UUID) -> Invitation | None: ...

    def find_by_token(self, token_hash: str) -> Invitation | None:
        """The invitation with that token digest, in whichever organization (the token
        is presented before the organization is known)."""
        ...

    def open_for(self, org_id: uuid.UUID, email_canonical: str) -> Invitation | None:
        """The organization's invitation for the email still stored as pending (it may
        have expired since)."""
        ...

    def close(self, invitation: Invitation) -> bool:
        """Write its new status if it is still stored as pending; True only for the one
        caller that did, so a token is never accepted twice."""
        ...

    def page(
        self,
        org_id: uuid.UUID,
        status: InvitationStatus | None,
        now: datetime,
        page: PageRequest,
    ) -> Page[Invitation]:
        """Newest first; `status` as `status_at(now)` reads it."""
        ...


class InvitationTokens(Protocol):
    """Random secrets and the one-way digests under which they are stored."""

    def new_token(self) -> str: ...

    def digest(self, token: str) -> str: ...
