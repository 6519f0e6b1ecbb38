"""Tenancy's services wired to fakes, as the composition root wires the real adapters."""

import uuid
from datetime import UTC, datetime

import attrs
import pytest

from taskhub.contexts.identity.application.testing.fakes import FakeClock
from taskhub.contexts.identity.public import UserSummary
from taskhub.contexts.tenancy.application.access import TenancyAccess, changed_roles_scope
from taskhub.contexts.tenancy.application.members import MemberService
from taskhub.contexts.tenancy.application.organizations import OrganizationService
from taskhub.contexts.tenancy.application.teams import TeamService
from taskhub.contexts.tenancy.application.testing.fakes import (
    FakeTenancyUnitOfWork,
    FakeUserDirectory,
    TenancyStore,
)
from taskhub.contexts.tenancy.domain.organization import Organization
from taskhub.shared_kernel.answers import ForgetOnCommit
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.unit.answers import MemoryAnswers

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@attrs.define
class Tenancy:
    store: TenancyStore
    clock: FakeClock
    directory: FakeUserDirectory
    organizations: OrganizationService
    members: MemberService
    teams: TeamService
    access: TenancyAccess

    def user(self, name: str) -> UserSummary:
        """A registered user called `name`, with the email `<name>@example.com`."""
        return self.directory.add(f"{name.lower()}@example.com", name)

    def found(self, founder: UserSummary, slug: str = "acme") -> Organization:
        return self.organizations.found(founder.id, name=slug.title(), slug=slug)

    def actor(self, user: UserSummary | uuid.UUID, org_id: uuid.UUID) -> Actor:
        """The user acting in the organization with the role they hold there now."""
        user_id = user if isinstance(user, uuid.UUID) else user.id
        principal = Principal(kind=PrincipalKind.USER, user_id=user_id)
        role = self.access.role_in(principal, org_id)
        assert role is not None, "the user is not a member of the organization"
        return Actor(principal=principal, org_id=org_id, role=role)

    def join(self, org_id: uuid.UUID, by: UserSummary, name: str, role: Role) -> UserSummary:
        """Register a user and have `by` add them to the organization."""
        newcomer = self.user(name)
        self.members.add(self.actor(by, org_id), email=newcomer.email, role=role)
        return newcomer


@pytest.fixture(params=["asking", "remembering"])
def tenancy(request: pytest.FixtureRequest) -> Tenancy:
    """Every rule holds whether roles are asked for each time or remembered (and forgotten
    by the changes that commit)."""
    store = TenancyStore()
    clock = FakeClock(START)
    directory = FakeUserDirectory()
    answers = MemoryAnswers() if request.param == "remembering" else None
    observers = [ForgetOnCommit(answers, changed_roles_scope)] if answers is not None else []

    def uow(*, read_only: bool = False) -> FakeTenancyUnitOfWork:
        return FakeTenancyUnitOfWork(store, observers=observers)

    return Tenancy(
        store=store,
        clock=clock,
        directory=directory,
        organizations=OrganizationService(uow=uow, clock=clock),
        members=MemberService(uow=uow, directory=directory, clock=clock),
        teams=TeamService(uow=uow, clock=clock),
        access=TenancyAccess(uow=uow, answers=answers),
    )
