"""Who holds which role where: the lookup the platform and other contexts ask.

An API key's effective role is the lower of its own and its creator's current role,
and nothing if the creator has left: a key never outranks the person who made it,
even after that person is demoted.

Roles are remembered (when the deployment can forget them in every process, see
`AnswerCache`), filed under their organization; any commit that adds, changes or
removes a membership, or deletes the organization, forgets the organization's roles.
Only roles are remembered, never their absence, so a new member is let in at once.
"""

import uuid
from collections.abc import Collection

from taskhub.contexts.tenancy.application.ports import (
    TenancyUnitOfWork,
)
from taskhub.contexts.tenancy.domain.events import (
    MemberRoleChanged,
    MembershipEvent,
    OrganizationDeleted,
)
from taskhub.shared_kernel.answers import AnswerCache, NoAnswerCache
from taskhub.shared_kernel.events import DomainEvent
from taskhub.shared_kernel.principal import Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

_CHANGING_ROLES = (MembershipEvent, MemberRoleChanged, OrganizationDeleted)


def org_scope(org_id: uuid.UUID) -> str:
    return f"tenancy.org:{org_id}"


def changed_roles_scope(event: DomainEvent) -> str | None:
    """The organization whose roles a committed event changes, if any (for
    `ForgetOnCommit`)."""
    return org_scope(event.org_id) if isinstance(event, _CHANGING_ROLES) else None


class TenancyAccess:
    def __init__(
        self, *, uow: UnitOfWorkFactory[TenancyUnitOfWork], answers: AnswerCache | None = None
    ) -> None:
        self._uow = uow
        self._answers = answers if answers is not None else NoAnswerCache()

    def role_of(self, user_id: uuid.UUID, org_id: uuid.UUID) -> Role | None:
        key = ("tenancy.role", org_id, user_id)
        remembered = self._answers.recall(key)
        if isinstance(remembered, Role):
            return remembered
        stamp = self._answers.stamp()
        with self._uow(read_only=True) as uow:
            role = uow.memberships.role_of(org_id, user_id)
        if role is not None:
            self._answers.remember(key, role, scope=org_scope(org_id), stamp=stamp)
        return role

    def members_among(
        self, org_id: uuid.UUID, user_ids: Collection[uuid.UUID]
    ) -> frozenset[uuid.UUID]:
        if not user_ids:
            return frozenset()
        with self._uow(read_only=True) as uow:
            return uow.memberships.members_among(org_id, user_ids)

    def role_in(self, principal: Principal, org_id: uuid.UUID) -> Role | None:
        if principal.kind is PrincipalKind.API_KEY:
            if principal.org_id != org_id or principal.role is None:
                return None
            creator_role = self.role_of(principal.user_id, org_id)
            return None if creator_role is None else Role.lowest(principal.role, creator_role)
        return self.role_of(principal.user_id, org_id)
