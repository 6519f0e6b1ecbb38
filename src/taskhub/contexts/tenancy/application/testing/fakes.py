"""Fakes of tenancy's ports and of the user directory tenancy depends on."""

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from taskhub.contexts.identity.public import UserDirectory, UserSummary
from taskhub.contexts.tenancy.application.invitation_ports import InvitationRepository
from taskhub.contexts.tenancy.application.ports import (
    MembershipRepository,
    OrganizationRepository,
    TeamRepository,
    TenancyUnitOfWork,
)
from taskhub.contexts.tenancy.application.testing.fake_invitations import (
    FakeInvitationRepository,
)
from taskhub.contexts.tenancy.domain.errors import SlugTaken, TeamNameTaken
from taskhub.contexts.tenancy.domain.invitation import Invitation
from taskhub.contexts.tenancy.domain.membership import Membership
from taskhub.contexts.tenancy.domain.organization import Organization
from taskhub.contexts.tenancy.domain.team import Team, TeamMember
from taskhub.shared_kernel.canonical_text import canonical
from taskhub.shared_kernel.concurrency import ReadVersions
from taskhub.shared_kernel.events import DomainEvent
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.staged_unit_of_work import StagedUnitOfWork, stored_copy

T = TypeVar("T")


class TenancyStore:
    """The 'database' the fakes share across units of work."""

    def __init__(self) -> None:
        self.organizations: dict[uuid.UUID, Organization] = {}
        # Keyed by (org_id, user_id), the table's primary key.
        self.memberships: dict[tuple[uuid.UUID, uuid.UUID], Membership] = {}
        self.teams: dict[uuid.UUID, Team] = {}
        # Keyed by (team_id, user_id), the table's primary key.
        # Keyed (org_id, team_id, user_id), as the table is.
        self.team_members: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], TeamMember] = {}
        # Keyed by (org_id, invitation_id), the table's primary key.
        self.invitations: dict[tuple[uuid.UUID, uuid.UUID], Invitation] = {}
        # Events of committed units of work, in commit order.
        self.events: list[DomainEvent] = []


def _org_key(item: tuple[Organization, Role]) -> tuple[datetime, uuid.UUID]:
    return item[0].created_at, item[0].id


def _joined_key(member: Membership) -> tuple[datetime, uuid.UUID]:
    return member.joined_at, member.user_id


def _added_key(member: TeamMember) -> tuple[datetime, uuid.UUID]:
    return member.added_at, member.user_id


class DuplicateKey(Exception):
    """A row with this primary key exists: what the database's integrity error means here."""


class FakeOrganizationRepository:
    def __init__(self, store: TenancyStore) -> None:
        self._store = store
        self._versions = ReadVersions()

    def _slug_in_use(self, slug: str, other_than: uuid.UUID | None) -> bool:
        # Deleted organizations keep their slug, as the database's unique index does.
        return any(
            org.slug == slug and org.id != other_than for org in self._store.organizations.values()
        )

    def add(self, org: Organization) -> None:
        # A clashing id is reported as a taken slug too: the SQL adapter reads every
        # integrity error on insert that way.
        if org.id in self._store.organizations or self._slug_in_use(org.slug, None):
            raise SlugTaken()
        self._store.organizations[org.id] = stored_copy(org)
        self._versions.note(org.id, org.version)

    def get(self, org_id: uuid.UUID, *, for_update: bool = False) -> Organization | None:
        org = self._store.organizations.get(org_id)
        if org is None or org.deleted_at is not None:
            return None
        self._versions.note(org.id, org.version)
        return stored_copy(org)

    def update(self, org: Organization) -> None:
        if org.id not in self._store.organizations:
            return
        stored = self._store.organizations[org.id]
        self._versions.check(org.id, stored.version)
        if self._slug_in_use(org.slug, org.id):
            raise SlugTaken()
        updated = stored_copy(org)
        updated.created_at = stored.created_at
        self._store.organizations[org.id] = updated
        self._versions.note(org.id, org.version)

    def page_for_user(
        self, user_id: uuid.UUID, page: PageRequest
    ) -> Page[tuple[Organization, Role]]:
        mine = [
            (stored_copy(org), membership.role)
            for (org_id, member_id), membership in self._store.memberships.items()
            if member_id == user_id
            and (org := self._store.organizations.get(org_id)) is not None
            and org.deleted_at is None
        ]
        return keyset_page(
            mine, page, by_time_then_id(lambda item: (item[0].created_at, item[0].id))
        )


class FakeMembershipRepository:
    def __init__(self, store: TenancyStore) -> None:
        self._store = store

    def add(self, membership: Membership) -> None:
        key = (membership.org_id, membership.user_id)
        if key in self._store.memberships:
            raise DuplicateKey("this user is already a member of this organization")
        self._store.memberships[key] = stored_copy(membership)

    def get(self, org_id: uuid.UUID, user_id: uuid.UUID) -> Membership | None:
        membership = self._store.memberships.get((org_id, user_id))
        return stored_copy(membership) if membership is not None else None

    def update(self, membership: Membership) -> None:
        # Only the role changes: the join time is fixed when the member joins.
        stored = self._store.memberships.get((membership.org_id, membership.user_id))
        if stored is not None:
            stored.role = membership.role

    def remove(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self._store.memberships.pop((org_id, user_id), None)

    def count_owners(self, org_id: uuid.UUID) -> int:
        return sum(
            1
            for m in self._store.memberships.values()
            if m.org_id == org_id and m.role is Role.OWNER
        )

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Membership]:
        members = [stored_copy(m) for m in self._store.memberships.values() if m.org_id == org_id]
        return keyset_page(members, page, by_time_then_id(_joined_key))

    def role_of(self, org_id: uuid.UUID, user_id: uuid.UUID) -> Role | None:
        org = self._store.organizations.get(org_id)
        membership = self._store.memberships.get((org_id, user_id))
        if org is None or org.deleted_at is not None or membership is None:
            return None
        return membership.role

    def members_among(
        self, org_id: uuid.UUID, user_ids: Collection[uuid.UUID]
    ) -> frozenset[uuid.UUID]:
        return frozenset(u for u in user_ids if self.role_of(org_id, u) is not None)


class FakeTeamRepository:
    def __init__(self, store: TenancyStore) -> None:
        self._store = store
        self._versions = ReadVersions()

    def add(self, team: Team) -> None:
        if team.id in self._store.teams:
            raise DuplicateKey("a team with this id exists")
        if team.deleted_at is None and self.name_taken(team.org_id, team.name, other_than=None):
            raise TeamNameTaken()  # as the unique index on live names refuses it
        self._store.teams[team.id] = stored_copy(team)
        self._versions.note(team.id, team.version)

    def get(
        self,
        org_id: uuid.UUID,
        team_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Team | None:
        team = self._store.teams.get(team_id)
        if team is None or team.org_id != org_id:
            return None
        if team.deleted_at is not None and not include_deleted:
            return None
        self._versions.note(team.id, team.version)
        return stored_copy(team)

    def update(self, team: Team) -> None:
        stored = self._store.teams.get(team.id)
        if stored is None:
            return
        self._versions.check(team.id, stored.version)
        if team.deleted_at is None and self.name_taken(
            stored.org_id, team.name, other_than=team.id
        ):
            raise TeamNameTaken()
        updated = stored_copy(team)
        updated.org_id, updated.created_at = stored.org_id, stored.created_at
        self._store.teams[team.id] = updated
        self._versions.note(team.id, team.version)

    def name_taken(self, org_id: uuid.UUID, name: str, *, other_than: uuid.UUID | None) -> bool:
        wanted = canonical(name)
        return any(
            team.org_id == org_id
            and team.deleted_at is None
            and team.id != other_than
            and canonical(team.name) == wanted
            for team in self._store.teams.values()
        )

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Team]:
        live = [
            stored_copy(t)
            for t in self._store.teams.values()
            if t.org_id == org_id and t.deleted_at is None
        ]
        return keyset_page(live, page, by_time_then_id(creation_key))

    def get_member(
        self, org_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> TeamMember | None:
        member = self._store.team_members.get((org_id, team_id, user_id))
        return stored_copy(member) if member is not None else None

    def put_member(self, org_id: uuid.UUID, member: TeamMember) -> None:
        key = (org_id, member.team_id, member.user_id)
        stored = self._store.team_members.get(key)
        if stored is not None:
            # Replacing changes the role; the member keeps the time they were added.
            stored.role = member.role
        else:
            self._store.team_members[key] = stored_copy(member)

    def remove_member(self, org_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return self._store.team_members.pop((org_id, team_id, user_id), None) is not None

    def remove_from_all_teams(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        # Every team of the organization, deleted ones included; other organizations'
        # teams are left alone.
        for key in [k for k in self._store.team_members if (k[0], k[2]) == (org_id, user_id)]:
            del self._store.team_members[key]

    def page_members(
        self, org_id: uuid.UUID, team_id: uuid.UUID, page: PageRequest
    ) -> Page[TeamMember]:
        members = [
            stored_copy(m)
            for (org, team, _user), m in self._store.team_members.items()
            if (org, team) == (org_id, team_id)
        ]
        return keyset_page(members, page, by_time_then_id(_added_key))


class FakeTenancyUnitOfWork(StagedUnitOfWork[TenancyStore]):
    """Changes are staged on a copy of the store and swapped in on commit."""

    organizations: OrganizationRepository
    memberships: MembershipRepository
    teams: TeamRepository
    invitations: InvitationRepository

    def _open(self, staged: TenancyStore) -> None:
        self.organizations = FakeOrganizationRepository(staged)
        self.memberships = FakeMembershipRepository(staged)
        self.teams = FakeTeamRepository(staged)
        self.invitations = FakeInvitationRepository(staged.invitations)


class FakeUserDirectory:
    """Registered users, as identity's directory would report them."""

    def __init__(self) -> None:
        self._users: dict[uuid.UUID, UserSummary] = {}
        self._inactive: set[uuid.UUID] = set()

    def add(self, email: str, name: str) -> UserSummary:
        user = UserSummary(id=uuid.uuid4(), email=email, name=name)
        self._users[user.id] = user
        return user

    def set_active(self, user_id: uuid.UUID, active: bool) -> None:
        """A deactivated user can no longer be found by email, as in identity."""
        if active:
            self._inactive.discard(user_id)
        else:
            self._inactive.add(user_id)

    def find_by_email(self, email: str) -> UserSummary | None:
        wanted = canonical(email)
        for user in self._users.values():
            if canonical(user.email) == wanted and user.id not in self._inactive:
                return user
        return None

    def get_many(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, UserSummary]:
        return {i: self._users[i] for i in user_ids if i in self._users}


if TYPE_CHECKING:
    # Checked by mypy: the fakes keep the ports' shapes.
    _unit_of_work: TenancyUnitOfWork = FakeTenancyUnitOfWork(TenancyStore())
    _directory: UserDirectory = FakeUserDirectory()
