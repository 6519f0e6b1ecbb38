"""Memberships and the rules about roles.

Only an owner grants or removes the owner and admin roles; an organization never has
zero owners. These rules live here, not in the HTTP layer, so every path that changes
a role (API, CLI, a future import) obeys them.
"""

import uuid
from datetime import datetime

import attrs

from taskhub.shared_kernel.errors import Conflict, PermissionDenied
from taskhub.shared_kernel.roles import Role

_PRIVILEGED = {Role.OWNER, Role.ADMIN}


@attrs.define(kw_only=True)
class Membership:
    org_id: uuid.UUID
    user_id: uuid.UUID
    role: Role
    joined_at: datetime


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
