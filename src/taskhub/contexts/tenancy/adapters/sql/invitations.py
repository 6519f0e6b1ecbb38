"""Invitations on SQL."""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.tenancy.adapters.sql.tables import invitations
from taskhub.contexts.tenancy.domain.invitation import (
    Invitation,
    InvitationPending,
    InvitationStatus,
)
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.sql_unique import unique_or
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.roles import Role

_PENDING = InvitationStatus.PENDING.value


def _invitation(row: Any) -> Invitation:
    return Invitation(
        id=row.id,
        org_id=row.org_id,
        email=row.email,
        role=Role(row.role),
        token_hash=row.token_hash,
        invited_by=row.invited_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        status=InvitationStatus(row.status),
        accepted_by=row.accepted_by,
        closed_at=row.closed_at,
    )


class SqlInvitationRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(self, invitation: Invitation) -> None:
        with unique_or(self._connection, InvitationPending):
            self._connection.execute(
                invitations.insert().values(
                    id=invitation.id,
                    org_id=invitation.org_id,
                    email=invitation.email,
                    email_canonical=invitation.email_canonical,
                    role=invitation.role.value,
                    token_hash=invitation.token_hash,
                    invited_by=invitation.invited_by,
                    status=invitation.status.value,
                    created_at=invitation.created_at,
                    expires_at=invitation.expires_at,
                )
            )

    def _one(self, *where: sa.ColumnElement[bool]) -> Invitation | None:
        row = self._connection.execute(sa.select(invitations).where(*where)).first()
        return _invitation(row) if row is not None else None

    def get(self, org_id: uuid.UUID, invitation_id: uuid.UUID) -> Invitation | None:
        return self._one(invitations.c.org_id == org_id, invitations.c.id == invitation_id)

    def find_by_token(self, token_hash: str) -> Invitation | None:
        return self._one(invitations.c.token_hash == token_hash)

    def open_for(self, org_id: uuid.UUID, email_canonical: str) -> Invitation | None:
        return self._one(
            invitations.c.org_id == org_id,
            invitations.c.email_canonical == email_canonical,
            invitations.c.status == _PENDING,
        )

    def close(self, invitation: Invitation) -> bool:
        result = self._connection.execute(
            invitations.update()
            .where(
                invitations.c.org_id == invitation.org_id,
                invitations.c.id == invitation.id,
                invitations.c.status == _PENDING,
            )
            .values(
                status=invitation.status.value,
                accepted_by=invitation.accepted_by,
                closed_at=invitation.closed_at,
            )
        )
        return result.rowcount == 1

    def page(
        self,
        org_id: uuid.UUID,
        status: InvitationStatus | None,
        now: datetime,
        page: PageRequest,
    ) -> Page[Invitation]:
        query = sa.select(invitations).where(invitations.c.org_id == org_id)
        pending = invitations.c.status == _PENDING
        if status is InvitationStatus.PENDING:
            query = query.where(pending, invitations.c.expires_at > now)
        elif status is InvitationStatus.EXPIRED:
            query = query.where(
                sa.or_(
                    invitations.c.status == InvitationStatus.EXPIRED.value,
                    sa.and_(pending, invitations.c.expires_at <= now),
                )
            )
        elif status is not None:
            query = query.where(invitations.c.status == status.value)
        return keyset_page(
            self._connection,
            query,
            [invitations.c.created_at, invitations.c.id],
            page,
            _invitation,
            descending=True,
        )
