"""Memberships and the rules about roles.

Only an owner grants or removes the owner and admin roles; an organization never has
zero owners. These rules live here, not in the HTTP layer, so every path that changes
a role (API, CLI, a future import) obeys them.
"""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.tenancy.domain.events import MemberAdded, MemberRemoved, MemberRoleChanged
from taskhub.shared_kernel.errors import Conflict, PermissionDenied
from taskhub.shared_kernel.events import EventRecorder
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.roles import Role

_PRIVILEGED = {Role.OWNER, Role.ADMIN}


@attrs.define(kw_only=True)
class Membership(EventRecorder):
    org_id: uuid.UUID
    user_id: uuid.UUID
    role: Role
    joined_at: datetime

    @classmethod
    def join(
        cls, *, org_id: uuid.UUID, user_id: uuid.UUID, role: Role, now: datetime
    ) -> "Membership":
        membership = cls(org_id=org_id, user_id=user_id, role=role, joined_at=now)
        membership.record(
            MemberAdded(
                event_id=new_id(),
                occurred_at=now,
                org_id=org_id,
                entity_id=user_id,
                role=role.value,
                changes={"role": (None, role.value)},
            )
        )
        return membership

    def change_role(self, role: Role, now: datetime) -> None:
        """Give the member another role (the caller checked `check_may_change`)."""
        old, self.role = self.role, role
        self.record(
            MemberRoleChanged(
                event_id=new_id(),
                occurred_at=now,
                org_id=self.org_id,
                entity_id=self.user_id,
                role=role.value,
                changes={"role": (old.value, role.value)},
            )
        )

    def leave(self, now: datetime) -> None:
        """The member leaves (the caller checked `check_may_remove` and deletes the row)."""
        self.record(
            MemberRemoved(
                event_id=new_id(),
                occurred_at=now,
                org_id=self.org_id,
                entity_id=self.user_id,
                role=self.role.value,
                changes={"role": (self.role.value, None)},
            )
        )


def check_may_assign(actor_role: Role, role: Role) -> None:
    """May someone with `actor_role` give `role` to a newcomer?"""
    if role in _PRIVILEGED and actor_role is not Role.OWNER:
        raise PermissionDenied("Only an owner can grant the owner or admin role.")


def check_may_change(actor_role: Role, current: Role, new: Role, owners: int) -> None:
    if (current in _PRIVILEGED or new in _PRIVILEGED) and actor_role is not Role.OWNER:
        raise PermissionDenied("Only an owner can grant or remove the owner or admin role.")
    if current is Role.OWNER and new is not Role.OWNER and owners <= 1:
        raise Conflict("An organization must keep at least one owner.", code="last_owner")


def check_may_remove(actor_role: Role, current: Role, owners: int) -> None:
    if current in _PRIVILEGED and actor_role is not Role.OWNER:
        raise PermissionDenied("Only an owner can remove an owner or admin.")
    if current is Role.OWNER and owners <= 1:
        raise Conflict("An organization must keep at least one owner.", code="last_owner")
