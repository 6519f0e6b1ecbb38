"""Tenancy's part of an account's export and erasure: the user's memberships.

Erasing removes every membership in one transaction, under each organization's lock
(taken in id order, so two erasures never wait on each other in a cycle); the user's
teams go with them, and each departure is audited in its organization. While the user
is the only owner of an organization nothing changes: 409.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from taskhub.contexts.tenancy.application.ports import TenancyUnitOfWork
from taskhub.contexts.tenancy.domain.membership import Membership
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import Conflict
from taskhub.shared_kernel.pagination import MAX_LIMIT, PageRequest
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


def _org_ids(uow: TenancyUnitOfWork, user_id: uuid.UUID) -> list[uuid.UUID]:
    found: list[uuid.UUID] = []
    page = PageRequest(limit=MAX_LIMIT)
    while True:
        batch = uow.organizations.page_for_user(user_id, page)
        found.extend(org.id for org, _role in batch.items)
        if batch.next_after is None:
            return found
        page = PageRequest(limit=MAX_LIMIT, after=batch.next_after)


class TenancyPersonalData:
    def __init__(self, *, uow: UnitOfWorkFactory[TenancyUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def export(self, user_id: uuid.UUID) -> Mapping[str, Any]:
        with self._uow(read_only=True) as uow:
            memberships = []
            for org_id in _org_ids(uow, user_id):
                org = uow.organizations.get(org_id)
                membership = uow.memberships.get(org_id, user_id)
                if org is None or membership is None:
                    continue
                memberships.append(
                    {
                        "org_id": str(org.id),
                        "org_name": org.name,
                        "org_slug": org.slug,
                        "role": membership.role.value,
                        "joined_at": membership.joined_at.isoformat(),
                    }
                )
        return {"memberships": memberships}

    def erase(self, user_id: uuid.UUID) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            leaving: list[Membership] = []
            for org_id in sorted(_org_ids(uow, user_id)):
                if uow.organizations.get(org_id, for_update=True) is None:
                    continue
                membership = uow.memberships.get(org_id, user_id)
                if membership is None:
                    continue
                if membership.role is Role.OWNER and uow.memberships.count_owners(org_id) <= 1:
                    raise Conflict(
                        "You are the only owner of an organization: make someone else an "
                        "owner, or delete the organization, first.",
                        code="sole_owner",
                    )
                leaving.append(membership)
            for membership in leaving:
                uow.memberships.remove(membership.org_id, user_id)
                uow.teams.remove_from_all_teams(membership.org_id, user_id)
                membership.leave(now)
                uow.track(membership)
            uow.commit()
