"""Founding, reading, changing and deleting organizations."""

import uuid

import attrs

from taskhub.contexts.tenancy.application.ports import (
    TenancyUnitOfWork,
)
from taskhub.contexts.tenancy.domain.membership import Membership
from taskhub.contexts.tenancy.domain.organization import Organization
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen
class ChangeOrganization:
    name: str | None = None
    slug: str | None = None
    expected_version: int | None = None


def org_not_found() -> NotFound:
    return NotFound("The organization was not found.")


class OrganizationService:
    def __init__(self, *, uow: UnitOfWorkFactory[TenancyUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def found(self, user_id: uuid.UUID, *, name: str, slug: str) -> Organization:
        """Create an organization; its founder becomes its owner."""
        now = self._clock.now()
        org = Organization.found(name=name, slug=slug, now=now)
        founder = Membership.join(org_id=org.id, user_id=user_id, role=Role.OWNER, now=now)
        with self._uow() as uow:
            uow.organizations.add(org)
            uow.memberships.add(founder)
            uow.track(org, founder)
            uow.commit()
        return org

    def page_mine(self, user_id: uuid.UUID, page: PageRequest) -> Page[tuple[Organization, Role]]:
        with self._uow(read_only=True) as uow:
            return uow.organizations.page_for_user(user_id, page)

    def get(self, actor: Actor) -> Organization:
        with self._uow(read_only=True) as uow:
            org = uow.organizations.get(actor.org_id)
        if org is None:
            raise org_not_found()
        return org

    def change(self, actor: Actor, command: ChangeOrganization) -> Organization:
        with self._uow() as uow:
            org = load_for_write(
                lambda _deleted: uow.organizations.get(actor.org_id, for_update=True),
                command.expected_version,
                org_not_found,
            )
            now = self._clock.now()
            if org.change(name=command.name, slug=command.slug, now=now):
                uow.organizations.update(org)
                uow.track(org)
                uow.commit()
        return org

    def delete(self, actor: Actor, expected_version: int | None) -> None:
        with self._uow() as uow:
            org = load_for_write(
                lambda _deleted: uow.organizations.get(actor.org_id, for_update=True),
                expected_version,
                org_not_found,
            )
            now = self._clock.now()
            org.delete(now)
            uow.organizations.update(org)
            uow.track(org)
            uow.commit()
