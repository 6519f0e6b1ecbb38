"""Adding members, changing their roles, removing them."""

import uuid

import attrs

from taskhub.contexts.identity.public import UserDirectory, UserSummary
from taskhub.contexts.tenancy.application.ports import (
    TenancyUnitOfWork,
)
from taskhub.contexts.tenancy.domain.errors import AlreadyMember
from taskhub.contexts.tenancy.domain.membership import (
    Membership,
    check_may_assign,
    check_may_change,
    check_may_remove,
)
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen
class MemberView:
    membership: Membership
    user: UserSummary


def member_not_found() -> NotFound:
    return NotFound("The member was not found.")


class MemberService:
    def __init__(
        self, *, uow: UnitOfWorkFactory[TenancyUnitOfWork], directory: UserDirectory, clock: Clock
    ) -> None:
        self._uow = uow
        self._directory = directory
        self._clock = clock

    def page(self, actor: Actor, page: PageRequest) -> Page[MemberView]:
        with self._uow(read_only=True) as uow:
            memberships = uow.memberships.page(actor.org_id, page)
        users = self._directory.get_many([m.user_id for m in memberships.items])
        return Page(
            items=[
                MemberView(membership=m, user=users[m.user_id])
                for m in memberships.items
                if m.user_id in users
            ],
            next_after=memberships.next_after,
            total=memberships.total,
        )

    def add(self, actor: Actor, *, email: str, role: Role) -> MemberView:
        check_may_assign(actor.role, role)
        user = self._directory.find_by_email(email)
        if user is None:
            raise NotFound("No registered user has this email.", code="user_not_found")
        membership = Membership.join(
            org_id=actor.org_id, user_id=user.id, role=role, now=self._clock.now()
        )
        with self._uow() as uow:
            self._lock_org(uow, actor.org_id)
            if uow.memberships.get(actor.org_id, user.id) is not None:
                raise AlreadyMember()
            uow.memberships.add(membership)
            uow.track(membership)
            uow.commit()
        return MemberView(membership=membership, user=user)

    def change_role(self, actor: Actor, user_id: uuid.UUID, role: Role) -> MemberView:
        with self._uow() as uow:
            self._lock_org(uow, actor.org_id)
            membership = uow.memberships.get(actor.org_id, user_id)
            if membership is None:
                raise member_not_found()
            if membership.role is not role:
                check_may_change(
                    actor.role, membership.role, role, uow.memberships.count_owners(actor.org_id)
                )
                membership.change_role(role, self._clock.now())
                uow.memberships.update(membership)
                uow.track(membership)
                uow.commit()
        user = self._directory.get_many([user_id]).get(user_id)
        if user is None:
            raise member_not_found()
        return MemberView(membership=membership, user=user)

    def remove(self, actor: Actor, user_id: uuid.UUID) -> None:
        with self._uow() as uow:
            self._lock_org(uow, actor.org_id)
            membership = uow.memberships.get(actor.org_id, user_id)
            if membership is None:
                raise member_not_found()
            check_may_remove(
                actor.role, membership.role, uow.memberships.count_owners(actor.org_id)
            )
            uow.memberships.remove(actor.org_id, user_id)
            uow.teams.remove_from_all_teams(actor.org_id, user_id)
            membership.leave(self._clock.now())
            uow.track(membership)
            uow.commit()

    @staticmethod
    def _lock_org(uow: TenancyUnitOfWork, org_id: uuid.UUID) -> None:
        # Serialises role changes per organization, so two owners demoting each other
        # at once cannot leave it with none.
        if uow.organizations.get(org_id, for_update=True) is None:
            raise NotFound("The organization was not found.")
