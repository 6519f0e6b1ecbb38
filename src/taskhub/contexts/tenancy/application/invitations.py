"""Inviting people by email, and their joining by the emailed token.

The role rules of the member endpoints apply: only an owner invites an owner or an
admin. Creating and accepting take the organization's lock, as adding a member does,
so "already a member" and "a pending invitation exists" hold under concurrency; the
token is ended by a conditional write, so it is accepted at most once.
"""

import uuid
from collections.abc import Mapping
from datetime import datetime

import attrs

from taskhub.contexts.identity.public import UserDirectory
from taskhub.contexts.tenancy.application.invitation_ports import InvitationTokens
from taskhub.contexts.tenancy.application.ports import TenancyUnitOfWork
from taskhub.contexts.tenancy.domain.errors import AlreadyMember
from taskhub.contexts.tenancy.domain.invitation import (
    Invitation,
    InvitationPending,
    InvitationStatus,
    invited_elsewhere,
    unusable_invitation,
)
from taskhub.contexts.tenancy.domain.membership import Membership, check_may_assign
from taskhub.shared_kernel.canonical_text import canonical
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import NotFound, ValidationFailed
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.mail import Letters, MailQueued
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

LETTER = "accept-invitation"


@attrs.frozen
class Joined:
    org_id: uuid.UUID
    role: Role


def invitation_not_found() -> NotFound:
    return NotFound("The invitation was not found.")


class InvitationService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[TenancyUnitOfWork],
        directory: UserDirectory,
        tokens: InvitationTokens,
        letters: Letters,
        app_url: str,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._directory = directory
        self._tokens = tokens
        self._letters = letters
        self._app_url = app_url.rstrip("/")
        self._clock = clock

    def invite(self, actor: Actor, *, email: str, role: Role) -> Invitation:
        check_may_assign(actor.role, role)
        email = email.strip()
        # Asked before the unit of work opens: a nested one would take a second
        # connection while this one holds the organization's lock.
        existing = self._directory.find_by_email(email)
        inviter = self._directory.get_many([actor.user_id]).get(actor.user_id)
        now = self._clock.now()
        token = self._tokens.new_token()
        with self._uow() as uow:
            org = uow.organizations.get(actor.org_id, for_update=True)
            if org is None:
                raise NotFound("The organization was not found.")
            if existing is not None and uow.memberships.get(org.id, existing.id) is not None:
                raise AlreadyMember()
            open_one = uow.invitations.open_for(org.id, canonical(email))
            if open_one is not None:
                if open_one.status_at(now) is InvitationStatus.PENDING:
                    raise InvitationPending()
                open_one.lapse()
                uow.invitations.close(open_one)
            invitation = Invitation.issue(
                org_id=org.id,
                email=email,
                role=role,
                token_hash=self._tokens.digest(token),
                invited_by=actor.user_id,
                now=now,
            )
            uow.invitations.add(invitation)
            self._queue_letter(
                uow,
                invitation,
                token,
                now,
                {"org_name": org.name, "inviter": inviter.name if inviter else org.name},
            )
            uow.track(invitation)
            uow.commit()
        return invitation

    def _queue_letter(
        self,
        uow: TenancyUnitOfWork,
        invitation: Invitation,
        token: str,
        now: datetime,
        values: Mapping[str, str],
    ) -> None:
        link = f"{self._app_url}/{LETTER}?token={token}"
        mail = self._letters.compose(
            LETTER,
            to=invitation.email,
            values={**values, "link": link, "role": invitation.role.value},
        )
        uow.record(MailQueued(event_id=new_id(), occurred_at=now, mail=mail))

    def page(
        self, actor: Actor, status: InvitationStatus | None, page: PageRequest
    ) -> Page[Invitation]:
        with self._uow(read_only=True) as uow:
            return uow.invitations.page(actor.org_id, status, self._clock.now(), page)

    def revoke(self, actor: Actor, invitation_id: uuid.UUID) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            invitation = uow.invitations.get(actor.org_id, invitation_id)
            if invitation is None:
                raise invitation_not_found()
            check_may_assign(actor.role, invitation.role)
            invitation.revoke(now)
            if not uow.invitations.close(invitation):
                raise invitation_not_found()
            uow.track(invitation)
            uow.commit()

    def accept(self, user_id: uuid.UUID, token: str) -> Joined:
        """Join as the signed-in user, whose email must be the invited one."""
        user = self._directory.get_many([user_id]).get(user_id)
        if user is None:
            raise NotFound("The user was not found.")
        return self._join(token, user_id, user.email, field="token")

    def check(self, token: str, email: str) -> None:
        with self._uow(read_only=True) as uow:
            invitation = uow.invitations.find_by_token(self._tokens.digest(token))
        now = self._clock.now()
        if invitation is None or invitation.status_at(now) is not InvitationStatus.PENDING:
            raise unusable_invitation("invitation_token")
        if not invitation.is_for(email):
            raise invited_elsewhere()

    def redeem(self, token: str, user_id: uuid.UUID, email: str) -> None:
        self._join(token, user_id, email, field="invitation_token")

    def _join(self, token: str, user_id: uuid.UUID, email: str, *, field: str) -> Joined:
        now = self._clock.now()
        digest = self._tokens.digest(token)
        with self._uow() as uow:
            found = uow.invitations.find_by_token(digest)
            if found is None:
                raise unusable_invitation(field)
            # Serialise with member changes and other acceptances in the organization.
            if uow.organizations.get(found.org_id, for_update=True) is None:
                raise unusable_invitation(field)
            invitation = uow.invitations.get(found.org_id, found.id)
            if invitation is None:
                raise unusable_invitation(field)
            try:
                invitation.accept(user_id, email, now)
            except ValidationFailed:
                raise unusable_invitation(field) from None
            if uow.memberships.get(invitation.org_id, user_id) is not None:
                raise AlreadyMember()
            if not uow.invitations.close(invitation):
                raise unusable_invitation(field)
            membership = Membership.join(
                org_id=invitation.org_id, user_id=user_id, role=invitation.role, now=now
            )
            uow.memberships.add(membership)
            uow.track(invitation, membership)
            uow.commit()
        return Joined(org_id=invitation.org_id, role=invitation.role)
