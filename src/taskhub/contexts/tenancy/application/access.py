"""Who holds which role where: the lookup the platform and other contexts ask.

An API key's effective role is the lower of its own and its creator's current role,
and nothing if the creator has left: a key never outranks the person who made it,
even after that person is demoted.
"""

import uuid

from taskhub.contexts.tenancy.application.ports import UnitOfWorkFactory
from taskhub.shared_kernel.principal import Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role


class TenancyAccess:
    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def role_of(self, user_id: uuid.UUID, org_id: uuid.UUID) -> Role | None:
        with self._uow(read_only=True) as uow:
            return uow.memberships.role_of(org_id, user_id)

    def role_in(self, principal: Principal, org_id: uuid.UUID) -> Role | None:
        if principal.kind is PrincipalKind.API_KEY:
            if principal.org_id != org_id or principal.role is None:
                return None
            creator_role = self.role_of(principal.user_id, org_id)
            return None if creator_role is None else Role.lowest(principal.role, creator_role)
        return self.role_of(principal.user_id, org_id)
