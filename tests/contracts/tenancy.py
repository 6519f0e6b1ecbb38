"""The contract every implementation of tenancy's repositories keeps.

Run against the in-memory fakes (tests/unit) and the SQL adapters on SQLite and
PostgreSQL (tests/integration): a fake that passes here behaves like the database.
Subclasses provide `uow_factory`, a fixture returning a callable that opens a unit of work.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest

from taskhub.contexts.tenancy.application.ports import (
    TenancyUnitOfWork,
)
from taskhub.contexts.tenancy.domain.errors import SlugTaken
from taskhub.contexts.tenancy.domain.membership import Membership
from taskhub.contexts.tenancy.domain.organization import Organization, Plan
from taskhub.contexts.tenancy.domain.team import Team, TeamMember, TeamRole
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

T = TypeVar("T")

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)

UowFactory = UnitOfWorkFactory[TenancyUnitOfWork]


def uid(n: int) -> uuid.UUID:
    """An id whose first and last bytes are `n`, so order by id is easy to read."""
    return uuid.UUID(int=(n << 120) | n)


# Timestamps and ids chosen so that insertion order, timestamp order and id order all
# differ, and three items share one timestamp: the sorted order is by (time, id).
#                 label  minutes  id
ORDERING_CASES = [
    ("x", 1, uid(0x10)),
    ("y", 0, uid(0x90)),
    ("z", 0, uid(0x30)),
    ("w", 2, uid(0x05)),
    ("v", 0, uid(0xF0)),
]
SORTED_LABELS = ["z", "y", "v", "x", "w"]


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def new_org(
    slug: str, *, created_at: datetime = NOW, org_id: uuid.UUID | None = None
) -> Organization:
    return Organization(
        id=org_id or new_id(),
        name=f"Org {slug}",
        slug=slug,
        plan=Plan.FREE,
        created_at=created_at,
        updated_at=created_at,
    )


def new_team(
    org_id: uuid.UUID,
    name: str,
    *,
    created_at: datetime = NOW,
    team_id: uuid.UUID | None = None,
) -> Team:
    return Team(
        id=team_id or new_id(),
        org_id=org_id,
        name=name,
        description=f"About {name}",
        created_at=created_at,
        updated_at=created_at,
    )


def all_pages(fetch: Callable[[PageRequest], Page[T]], limit: int) -> list[list[T]]:
    """Every page of a list, following `next_after` until it runs out."""
    pages: list[list[T]] = []
    after: tuple[str, ...] | None = None
    while len(pages) < 20:
        page = fetch(PageRequest(limit=limit, after=after))
        pages.append(page.items)
        if page.next_after is None:
            return pages
        after = page.next_after
    raise AssertionError("pagination does not end")


class TenancyRepositoryContract:
    # organizations

    def _add_org(self, uow_factory: UowFactory, org: Organization) -> Organization:
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.commit()
        return org

    def _delete_org(self, uow_factory: UowFactory, org_id: uuid.UUID) -> None:
        with uow_factory() as uow:
            org = uow.organizations.get(org_id)
            assert org is not None
            org.delete(at(30))
            uow.organizations.update(org)
            uow.commit()

    def test_a_stored_organization_reads_back_equal(self, uow_factory: UowFactory) -> None:
        org = new_org("acme")
        org.plan = Plan.PREMIUM
        self._add_org(uow_factory, org)
        with uow_factory(read_only=True) as uow:
            loaded = uow.organizations.get(org.id)
            locked = uow.organizations.get(org.id, for_update=True)
        assert loaded == org
        assert locked == org
        assert loaded is not None
        assert (loaded.name, loaded.slug, loaded.plan, loaded.version) == (
            "Org acme",
            "acme",
            Plan.PREMIUM,
            1,
        )
        assert loaded.created_at == NOW
        assert loaded.deleted_at is None

    def test_an_unknown_organization_is_none(self, uow_factory: UowFactory) -> None:
        with uow_factory(read_only=True) as uow:
            assert uow.organizations.get(new_id()) is None

    def test_nothing_is_kept_without_commit(self, uow_factory: UowFactory) -> None:
        org = new_org("acme")
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.memberships.add(
                Membership(org_id=org.id, user_id=new_id(), role=Role.OWNER, joined_at=NOW)
            )
        with uow_factory() as uow:
            assert uow.organizations.get(org.id) is None
            assert uow.memberships.count_owners(org.id) == 0

    def test_a_taken_slug_is_refused(self, uow_factory: UowFactory) -> None:
        first = self._add_org(uow_factory, new_org("acme"))
        second = new_org("acme")
        with uow_factory() as uow, pytest.raises(SlugTaken):
            uow.organizations.add(second)
        with uow_factory() as uow:
            assert uow.organizations.get(first.id) == first
            assert uow.organizations.get(second.id) is None

    def test_a_deleted_organization_keeps_its_slug(self, uow_factory: UowFactory) -> None:
        first = self._add_org(uow_factory, new_org("acme"))
        self._delete_org(uow_factory, first.id)
        with uow_factory() as uow, pytest.raises(SlugTaken):
            uow.organizations.add(new_org("acme"))

    def test_updates_are_persisted(self, uow_factory: UowFactory) -> None:
        org = self._add_org(uow_factory, new_org("acme"))
        with uow_factory() as uow:
            loaded = uow.organizations.get(org.id, for_update=True)
            assert loaded is not None
            assert loaded.change(name="Acme Ltd", slug="acme-ltd", now=at(5))
            uow.organizations.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            again = uow.organizations.get(org.id)
        assert again is not None
        assert (again.name, again.slug, again.version) == ("Acme Ltd", "acme-ltd", 2)
        assert again.updated_at == at(5)
        assert again.created_at == NOW

    def test_an_update_keeping_its_own_slug_is_accepted(self, uow_factory: UowFactory) -> None:
        org = self._add_org(uow_factory, new_org("acme"))
        with uow_factory() as uow:
            loaded = uow.organizations.get(org.id)
            assert loaded is not None
            loaded.change(name="Renamed", slug=None, now=at(1))
            uow.organizations.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            again = uow.organizations.get(org.id)
        assert again is not None
        assert (again.name, again.slug) == ("Renamed", "acme")

    def test_an_update_to_a_taken_slug_is_refused_and_changes_nothing(
        self, uow_factory: UowFactory
    ) -> None:
        self._add_org(uow_factory, new_org("acme"))
        deleted = self._add_org(uow_factory, new_org("gone"))
        self._delete_org(uow_factory, deleted.id)
        org = self._add_org(uow_factory, new_org("beta"))
        for taken in ("acme", "gone"):
            with uow_factory() as uow:
                loaded = uow.organizations.get(org.id)
                assert loaded is not None
                loaded.change(name=None, slug=taken, now=at(1))
                with pytest.raises(SlugTaken):
                    uow.organizations.update(loaded)
        with uow_factory() as uow:
            assert uow.organizations.get(org.id) == org

    def test_a_change_without_update_is_not_stored(self, uow_factory: UowFactory) -> None:
        org = self._add_org(uow_factory, new_org("acme"))
        with uow_factory() as uow:
            loaded = uow.organizations.get(org.id)
            assert loaded is not None
            loaded.change(name="Forgotten", slug=None, now=at(1))
            uow.commit()
        with uow_factory() as uow:
            assert uow.organizations.get(org.id) == org

    def test_a_deleted_organization_is_not_found_and_grants_no_role(
        self, uow_factory: UowFactory
    ) -> None:
        user = new_id()
        org = new_org("acme")
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.memberships.add(
                Membership(org_id=org.id, user_id=user, role=Role.OWNER, joined_at=NOW)
            )
            uow.commit()
        self._delete_org(uow_factory, org.id)
        with uow_factory() as uow:
            assert uow.organizations.get(org.id) is None
            assert uow.organizations.get(org.id, for_update=True) is None
            assert uow.memberships.role_of(org.id, user) is None
            assert uow.memberships.members_among(org.id, [user]) == frozenset()
            assert uow.organizations.page_for_user(user, PageRequest()).items == []

    def _orgs_of_one_user(self, uow_factory: UowFactory) -> tuple[uuid.UUID, dict[str, Role]]:
        """Five organizations of one user (ORDERING_CASES), plus two that must not show."""
        user, other = new_id(), new_id()
        roles = {"x": Role.OWNER, "y": Role.VIEWER, "z": Role.ADMIN, "w": Role.MEMBER}
        roles["v"] = Role.OWNER
        with uow_factory() as uow:
            for label, minutes, org_id in ORDERING_CASES:
                uow.organizations.add(
                    new_org(f"org-{label}", created_at=at(minutes), org_id=org_id)
                )
                uow.memberships.add(
                    Membership(org_id=org_id, user_id=user, role=roles[label], joined_at=NOW)
                )
            foreign = new_org("foreign", created_at=at(-5))
            uow.organizations.add(foreign)
            uow.memberships.add(
                Membership(org_id=foreign.id, user_id=other, role=Role.OWNER, joined_at=NOW)
            )
            deleted = new_org("deleted", created_at=at(-5))
            uow.organizations.add(deleted)
            uow.memberships.add(
                Membership(org_id=deleted.id, user_id=user, role=Role.OWNER, joined_at=NOW)
            )
            uow.commit()
        self._delete_org(uow_factory, deleted.id)
        return user, roles

    def test_a_users_organizations_come_with_roles_oldest_first(
        self, uow_factory: UowFactory
    ) -> None:
        user, roles = self._orgs_of_one_user(uow_factory)
        with uow_factory(read_only=True) as uow:
            page = uow.organizations.page_for_user(user, PageRequest(limit=10))
        assert [(org.slug, role) for org, role in page.items] == [
            (f"org-{label}", roles[label]) for label in SORTED_LABELS
        ]
        assert page.next_after is None

    def test_a_users_organizations_come_in_pages(self, uow_factory: UowFactory) -> None:
        user, _ = self._orgs_of_one_user(uow_factory)
        with uow_factory(read_only=True) as uow:
            first = uow.organizations.page_for_user(user, PageRequest(limit=2))
            pages = all_pages(lambda p: uow.organizations.page_for_user(user, p), limit=2)
            exact = uow.organizations.page_for_user(user, PageRequest(limit=5))
        last_org = first.items[-1][0]
        assert first.next_after == (last_org.created_at.isoformat(), str(last_org.id))
        assert [[org.slug for org, _ in page] for page in pages] == [
            ["org-z", "org-y"],
            ["org-v", "org-x"],
            ["org-w"],
        ]
        assert len(exact.items) == 5
        assert exact.next_after is None

    def test_an_organization_without_members_lists_for_nobody(
        self, uow_factory: UowFactory
    ) -> None:
        self._add_org(uow_factory, new_org("acme"))
        with uow_factory(read_only=True) as uow:
            assert uow.organizations.page_for_user(new_id(), PageRequest()).items == []

    # memberships

    def test_a_membership_reads_back_and_belongs_to_one_org(self, uow_factory: UowFactory) -> None:
        org, other = new_org("acme"), new_org("other")
        user = new_id()
        membership = Membership(org_id=org.id, user_id=user, role=Role.ADMIN, joined_at=at(3))
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.organizations.add(other)
            uow.memberships.add(membership)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.memberships.get(org.id, user) == membership
            assert uow.memberships.get(other.id, user) is None
            assert uow.memberships.get(org.id, new_id()) is None
            assert uow.memberships.role_of(org.id, user) is Role.ADMIN
            assert uow.memberships.role_of(other.id, user) is None
            assert uow.memberships.role_of(new_id(), user) is None
            stranger = new_id()
            assert uow.memberships.members_among(org.id, [user, stranger]) == {user}
            assert uow.memberships.members_among(other.id, [user, stranger]) == frozenset()

    def test_a_role_change_is_persisted_and_the_join_time_kept(
        self, uow_factory: UowFactory
    ) -> None:
        org, user = new_org("acme"), new_id()
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.memberships.add(
                Membership(org_id=org.id, user_id=user, role=Role.MEMBER, joined_at=NOW)
            )
            uow.commit()
        with uow_factory() as uow:
            membership = uow.memberships.get(org.id, user)
            assert membership is not None
            membership.role = Role.VIEWER
            membership.joined_at = at(9)
            uow.memberships.update(membership)
            uow.commit()
        with uow_factory() as uow:
            assert uow.memberships.get(org.id, user) == Membership(
                org_id=org.id, user_id=user, role=Role.VIEWER, joined_at=NOW
            )
            assert uow.memberships.role_of(org.id, user) is Role.VIEWER

    def test_a_role_change_without_update_is_not_stored(self, uow_factory: UowFactory) -> None:
        org, user = new_org("acme"), new_id()
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.memberships.add(
                Membership(org_id=org.id, user_id=user, role=Role.MEMBER, joined_at=NOW)
            )
            uow.commit()
        with uow_factory() as uow:
            membership = uow.memberships.get(org.id, user)
            assert membership is not None
            membership.role = Role.OWNER
            uow.commit()
        with uow_factory() as uow:
            assert uow.memberships.role_of(org.id, user) is Role.MEMBER

    def test_removing_a_membership_leaves_the_others(self, uow_factory: UowFactory) -> None:
        org, other = new_org("acme"), new_org("other")
        leaving, staying = new_id(), new_id()
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.organizations.add(other)
            for org_id, user in [(org.id, leaving), (org.id, staying), (other.id, leaving)]:
                uow.memberships.add(
                    Membership(org_id=org_id, user_id=user, role=Role.MEMBER, joined_at=NOW)
                )
            uow.commit()
        with uow_factory() as uow:
            uow.memberships.remove(org.id, leaving)
            uow.commit()
        with uow_factory() as uow:
            assert uow.memberships.get(org.id, leaving) is None
            assert uow.memberships.get(org.id, staying) is not None
            assert uow.memberships.get(other.id, leaving) is not None

    def test_owners_are_counted_per_organization(self, uow_factory: UowFactory) -> None:
        org, other = new_org("acme"), new_org("other")
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.organizations.add(other)
            for org_id, role in [
                (org.id, Role.OWNER),
                (org.id, Role.OWNER),
                (org.id, Role.ADMIN),
                (org.id, Role.MEMBER),
                (other.id, Role.OWNER),
            ]:
                uow.memberships.add(
                    Membership(org_id=org_id, user_id=new_id(), role=role, joined_at=NOW)
                )
            uow.commit()
        with uow_factory() as uow:
            assert uow.memberships.count_owners(org.id) == 2
            assert uow.memberships.count_owners(other.id) == 1
            assert uow.memberships.count_owners(new_id()) == 0

    def _members_of_one_org(self, uow_factory: UowFactory) -> Organization:
        org, other = new_org("acme"), new_org("other")
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.organizations.add(other)
            for _, minutes, user_id in ORDERING_CASES:
                uow.memberships.add(
                    Membership(
                        org_id=org.id, user_id=user_id, role=Role.MEMBER, joined_at=at(minutes)
                    )
                )
            uow.memberships.add(
                Membership(org_id=other.id, user_id=new_id(), role=Role.OWNER, joined_at=at(-1))
            )
            uow.commit()
        return org

    def test_members_are_listed_by_join_time_then_user_id(self, uow_factory: UowFactory) -> None:
        org = self._members_of_one_org(uow_factory)
        labels = {user_id: label for label, _, user_id in ORDERING_CASES}
        with uow_factory(read_only=True) as uow:
            page = uow.memberships.page(org.id, PageRequest(limit=10))
        assert [labels[m.user_id] for m in page.items] == SORTED_LABELS
        assert page.next_after is None

    def test_members_come_in_pages(self, uow_factory: UowFactory) -> None:
        org = self._members_of_one_org(uow_factory)
        labels = {user_id: label for label, _, user_id in ORDERING_CASES}
        with uow_factory(read_only=True) as uow:
            first = uow.memberships.page(org.id, PageRequest(limit=3))
            pages = all_pages(lambda p: uow.memberships.page(org.id, p), limit=2)
            exact = uow.memberships.page(org.id, PageRequest(limit=5))
        last = first.items[-1]
        assert first.next_after == (last.joined_at.isoformat(), str(last.user_id))
        assert [[labels[m.user_id] for m in page] for page in pages] == [
            ["z", "y"],
            ["v", "x"],
            ["w"],
        ]
        assert exact.next_after is None

    # teams

    def _org_with_team(
        self, uow_factory: UowFactory, name: str = "Core"
    ) -> tuple[Organization, Team]:
        org = new_org("acme")
        team = new_team(org.id, name)
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.teams.add(team)
            uow.commit()
        return org, team

    def _delete_team(self, uow_factory: UowFactory, org_id: uuid.UUID, team_id: uuid.UUID) -> None:
        with uow_factory() as uow:
            team = uow.teams.get(org_id, team_id)
            assert team is not None
            team.delete(at(30))
            uow.teams.update(team)
            uow.commit()

    def test_a_stored_team_reads_back_within_its_organization_only(
        self, uow_factory: UowFactory
    ) -> None:
        org, team = self._org_with_team(uow_factory)
        other = self._add_org(uow_factory, new_org("other"))
        with uow_factory(read_only=True) as uow:
            assert uow.teams.get(org.id, team.id) == team
            assert uow.teams.get(other.id, team.id) is None
            assert uow.teams.get(org.id, new_id()) is None

    def test_team_updates_are_persisted(self, uow_factory: UowFactory) -> None:
        org, team = self._org_with_team(uow_factory)
        with uow_factory() as uow:
            loaded = uow.teams.get(org.id, team.id)
            assert loaded is not None
            loaded.change(name="Platform", description="Runs the platform", now=at(4))
            uow.teams.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            again = uow.teams.get(org.id, team.id)
        assert again is not None
        assert (again.name, again.description, again.version) == (
            "Platform",
            "Runs the platform",
            2,
        )
        assert (again.created_at, again.updated_at) == (NOW, at(4))

    def test_a_team_change_without_update_is_not_stored(self, uow_factory: UowFactory) -> None:
        org, team = self._org_with_team(uow_factory)
        with uow_factory() as uow:
            loaded = uow.teams.get(org.id, team.id)
            assert loaded is not None
            loaded.change(name="Forgotten", description=None, now=at(4))
            uow.commit()
        with uow_factory() as uow:
            assert uow.teams.get(org.id, team.id) == team

    def test_a_deleted_team_is_not_found_nor_listed(self, uow_factory: UowFactory) -> None:
        org, team = self._org_with_team(uow_factory)
        self._delete_team(uow_factory, org.id, team.id)
        with uow_factory(read_only=True) as uow:
            assert uow.teams.get(org.id, team.id) is None
            assert uow.teams.page(org.id, PageRequest()).items == []

    def test_team_names_are_taken_ignoring_case_among_live_teams_of_the_org(
        self, uow_factory: UowFactory
    ) -> None:
        org, team = self._org_with_team(uow_factory, "Core Platform")
        other = self._add_org(uow_factory, new_org("other"))
        legacy = new_team(org.id, "Legacy")
        with uow_factory() as uow:
            uow.teams.add(legacy)
            uow.commit()
        self._delete_team(uow_factory, org.id, legacy.id)
        with uow_factory(read_only=True) as uow:
            assert uow.teams.name_taken(org.id, "Core Platform", other_than=None)
            assert uow.teams.name_taken(org.id, "  CORE platform ", other_than=None)
            assert not uow.teams.name_taken(org.id, "Core", other_than=None)
            assert not uow.teams.name_taken(org.id, "core platform", other_than=team.id)
            assert uow.teams.name_taken(org.id, "core platform", other_than=legacy.id)
            assert not uow.teams.name_taken(other.id, "core platform", other_than=None)
            assert not uow.teams.name_taken(org.id, "legacy", other_than=None)

    def test_a_renamed_team_frees_its_old_name(self, uow_factory: UowFactory) -> None:
        org, team = self._org_with_team(uow_factory, "Core")
        with uow_factory() as uow:
            loaded = uow.teams.get(org.id, team.id)
            assert loaded is not None
            loaded.change(name="Infra", description=None, now=at(1))
            uow.teams.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert not uow.teams.name_taken(org.id, "core", other_than=None)
            assert uow.teams.name_taken(org.id, "INFRA", other_than=None)

    def _teams_of_one_org(self, uow_factory: UowFactory) -> Organization:
        org, other = new_org("acme"), new_org("other")
        with uow_factory() as uow:
            uow.organizations.add(org)
            uow.organizations.add(other)
            for label, minutes, team_id in ORDERING_CASES:
                uow.teams.add(new_team(org.id, label, created_at=at(minutes), team_id=team_id))
            uow.teams.add(new_team(other.id, "elsewhere", created_at=at(-1)))
            uow.commit()
        return org

    def test_teams_are_listed_by_creation_then_id(self, uow_factory: UowFactory) -> None:
        org = self._teams_of_one_org(uow_factory)
        with uow_factory(read_only=True) as uow:
            page = uow.teams.page(org.id, PageRequest(limit=10))
        assert [t.name for t in page.items] == SORTED_LABELS
        assert page.next_after is None

    def test_teams_come_in_pages(self, uow_factory: UowFactory) -> None:
        org = self._teams_of_one_org(uow_factory)
        with uow_factory(read_only=True) as uow:
            first = uow.teams.page(org.id, PageRequest(limit=1))
            pages = all_pages(lambda p: uow.teams.page(org.id, p), limit=2)
            exact = uow.teams.page(org.id, PageRequest(limit=5))
        (only,) = first.items
        assert first.next_after == (only.created_at.isoformat(), str(only.id))
        assert [[t.name for t in page] for page in pages] == [["z", "y"], ["v", "x"], ["w"]]
        assert exact.next_after is None

    # team members

    def test_a_team_member_is_put_then_replaced_keeping_when_added(
        self, uow_factory: UowFactory
    ) -> None:
        _, team = self._org_with_team(uow_factory)
        user = new_id()
        with uow_factory() as uow:
            assert uow.teams.get_member(team.org_id, team.id, user) is None
            uow.teams.put_member(
                team.org_id,
                TeamMember(team_id=team.id, user_id=user, role=TeamRole.MEMBER, added_at=at(1)),
            )
            uow.commit()
        with uow_factory() as uow:
            assert uow.teams.get_member(team.org_id, team.id, user) == TeamMember(
                team_id=team.id, user_id=user, role=TeamRole.MEMBER, added_at=at(1)
            )
            uow.teams.put_member(
                team.org_id,
                TeamMember(team_id=team.id, user_id=user, role=TeamRole.LEAD, added_at=at(9)),
            )
            uow.commit()
        with uow_factory() as uow:
            assert uow.teams.get_member(team.org_id, team.id, user) == TeamMember(
                team_id=team.id, user_id=user, role=TeamRole.LEAD, added_at=at(1)
            )
            assert len(uow.teams.page_members(team.org_id, team.id, PageRequest()).items) == 1
            # A team's members are found only in the team's organization.
            assert uow.teams.get_member(new_id(), team.id, user) is None
            assert uow.teams.page_members(new_id(), team.id, PageRequest()).items == []
            assert uow.teams.remove_member(new_id(), team.id, user) is False

    def test_removing_a_team_member_says_whether_there_was_one(
        self, uow_factory: UowFactory
    ) -> None:
        _, team = self._org_with_team(uow_factory)
        user, other = new_id(), new_id()
        with uow_factory() as uow:
            for member in (user, other):
                uow.teams.put_member(
                    team.org_id,
                    TeamMember(team_id=team.id, user_id=member, role=TeamRole.MEMBER, added_at=NOW),
                )
            uow.commit()
        with uow_factory() as uow:
            assert uow.teams.remove_member(team.org_id, team.id, user) is True
            assert uow.teams.remove_member(team.org_id, team.id, user) is False
            assert uow.teams.remove_member(team.org_id, team.id, new_id()) is False
            uow.commit()
        with uow_factory() as uow:
            assert uow.teams.get_member(team.org_id, team.id, user) is None
            assert uow.teams.get_member(team.org_id, team.id, other) is not None

    def test_leaving_an_organization_empties_only_its_teams(self, uow_factory: UowFactory) -> None:
        org, core = self._org_with_team(uow_factory, "Core")
        other = self._add_org(uow_factory, new_org("other"))
        retired = new_team(org.id, "Retired")
        elsewhere = new_team(other.id, "Elsewhere")
        leaving, staying = new_id(), new_id()
        with uow_factory() as uow:
            uow.teams.add(retired)
            uow.teams.add(elsewhere)
            for team, user in [
                (core, leaving),
                (core, staying),
                (retired, leaving),
                (elsewhere, leaving),
            ]:
                uow.teams.put_member(
                    team.org_id,
                    TeamMember(team_id=team.id, user_id=user, role=TeamRole.MEMBER, added_at=NOW),
                )
            uow.commit()
        self._delete_team(uow_factory, org.id, retired.id)
        with uow_factory() as uow:
            uow.teams.remove_from_all_teams(org.id, leaving)
            uow.commit()
        with uow_factory() as uow:
            assert uow.teams.get_member(core.org_id, core.id, leaving) is None
            assert uow.teams.get_member(retired.org_id, retired.id, leaving) is None
            assert uow.teams.get_member(core.org_id, core.id, staying) is not None
            assert uow.teams.get_member(elsewhere.org_id, elsewhere.id, leaving) is not None

    def _members_of_one_team(self, uow_factory: UowFactory) -> Team:
        org, team = self._org_with_team(uow_factory, "Core")
        second = new_team(org.id, "Second")
        with uow_factory() as uow:
            uow.teams.add(second)
            for _, minutes, user_id in ORDERING_CASES:
                uow.teams.put_member(
                    team.org_id,
                    TeamMember(
                        team_id=team.id, user_id=user_id, role=TeamRole.MEMBER, added_at=at(minutes)
                    ),
                )
            uow.teams.put_member(
                second.org_id,
                TeamMember(team_id=second.id, user_id=new_id(), role=TeamRole.LEAD, added_at=NOW),
            )
            uow.commit()
        return team

    def test_team_members_are_listed_by_time_added_then_user_id(
        self, uow_factory: UowFactory
    ) -> None:
        team = self._members_of_one_team(uow_factory)
        labels = {user_id: label for label, _, user_id in ORDERING_CASES}
        with uow_factory(read_only=True) as uow:
            page = uow.teams.page_members(team.org_id, team.id, PageRequest(limit=10))
        assert [labels[m.user_id] for m in page.items] == SORTED_LABELS
        assert page.next_after is None

    def test_team_members_come_in_pages(self, uow_factory: UowFactory) -> None:
        team = self._members_of_one_team(uow_factory)
        labels = {user_id: label for label, _, user_id in ORDERING_CASES}
        with uow_factory(read_only=True) as uow:
            first = uow.teams.page_members(team.org_id, team.id, PageRequest(limit=4))
            pages = all_pages(lambda p: uow.teams.page_members(team.org_id, team.id, p), limit=2)
            exact = uow.teams.page_members(team.org_id, team.id, PageRequest(limit=5))
        last = first.items[-1]
        assert first.next_after == (last.added_at.isoformat(), str(last.user_id))
        assert [[labels[m.user_id] for m in page] for page in pages] == [
            ["z", "y"],
            ["v", "x"],
            ["w"],
        ]
        assert exact.next_after is None
