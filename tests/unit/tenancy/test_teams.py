"""Teams and their members, through fakes of the ports."""

import copy
import uuid

import pytest

from taskhub.contexts.identity.public import UserSummary
from taskhub.contexts.tenancy.application.teams import ChangeTeam
from taskhub.contexts.tenancy.domain.errors import TeamNameTaken
from taskhub.contexts.tenancy.domain.team import TeamMember, TeamRole
from taskhub.shared_kernel.errors import NotFound, PreconditionFailed, ValidationFailed
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.roles import Role
from tests.unit.tenancy.conftest import START, Tenancy


def owner_of_org(
    tenancy: Tenancy, slug: str = "acme", owner: str = "Ada"
) -> tuple[UserSummary, Actor]:
    """A new organization and its founder, acting in it as owner."""
    founder = tenancy.user(owner)
    org = tenancy.found(founder, slug)
    return founder, tenancy.actor(founder, org.id)


def live_team_names(tenancy: Tenancy, org_id: uuid.UUID) -> list[str]:
    return sorted(
        t.name for t in tenancy.store.teams.values() if t.org_id == org_id and t.deleted_at is None
    )


def test_a_created_team_is_stored_listed_and_read(tenancy: Tenancy) -> None:
    _, actor = owner_of_org(tenancy)
    team = tenancy.teams.create(actor, name="Core", description="The core team")
    stored = tenancy.store.teams[team.id]
    assert (stored.org_id, stored.name, stored.description, stored.version) == (
        actor.org_id,
        "Core",
        "The core team",
        1,
    )
    assert stored.created_at == START
    assert tenancy.teams.get(actor, team.id) == stored
    assert tenancy.teams.page(actor, PageRequest()).items == [stored]


def test_teams_are_listed_oldest_first_in_pages(tenancy: Tenancy) -> None:
    _, actor = owner_of_org(tenancy)
    for name in ("Core", "Web", "Data"):
        tenancy.teams.create(actor, name=name, description="")
        tenancy.clock.advance(minutes=1)
    first = tenancy.teams.page(actor, PageRequest(limit=2))
    rest = tenancy.teams.page(actor, PageRequest(limit=2, after=first.next_after))
    assert [t.name for t in first.items] == ["Core", "Web"]
    assert [t.name for t in rest.items] == ["Data"]
    assert rest.next_after is None


def test_a_blank_team_name_is_refused(tenancy: Tenancy) -> None:
    _, actor = owner_of_org(tenancy)
    with pytest.raises(ValidationFailed) as caught:
        tenancy.teams.create(actor, name="  ", description="")
    assert [e.field for e in caught.value.errors] == ["name"]
    assert tenancy.store.teams == {}


def test_a_team_name_is_taken_whatever_its_case(tenancy: Tenancy) -> None:
    _, actor = owner_of_org(tenancy)
    tenancy.teams.create(actor, name="Core", description="")
    web = tenancy.teams.create(actor, name="Web", description="")
    with pytest.raises(TeamNameTaken):
        tenancy.teams.create(actor, name="CORE", description="")
    with pytest.raises(TeamNameTaken):
        tenancy.teams.change(actor, web.id, ChangeTeam(name="core"))
    assert live_team_names(tenancy, actor.org_id) == ["Core", "Web"]


def test_the_same_team_name_is_free_in_another_organization(tenancy: Tenancy) -> None:
    _, acme = owner_of_org(tenancy, "acme")
    _, other = owner_of_org(tenancy, "other", "Oli")
    tenancy.teams.create(acme, name="Core", description="")
    tenancy.teams.create(other, name="core", description="")
    assert live_team_names(tenancy, other.org_id) == ["core"]


def test_renaming_a_team_to_its_own_name_in_another_case_is_allowed(tenancy: Tenancy) -> None:
    _, actor = owner_of_org(tenancy)
    team = tenancy.teams.create(actor, name="Core", description="")
    tenancy.clock.advance(minutes=1)
    same = tenancy.teams.change(actor, team.id, ChangeTeam(name="Core"))
    assert same.version == 1
    renamed = tenancy.teams.change(actor, team.id, ChangeTeam(name="CORE", expected_version=1))
    stored = tenancy.store.teams[team.id]
    assert stored == renamed
    assert (stored.name, stored.version, stored.updated_at) == ("CORE", 2, tenancy.clock.now())


def test_a_team_change_against_a_stale_version_changes_nothing(tenancy: Tenancy) -> None:
    _, actor = owner_of_org(tenancy)
    team = tenancy.teams.create(actor, name="Core", description="")
    tenancy.teams.change(actor, team.id, ChangeTeam(description="Runs things"))
    before = copy.deepcopy(tenancy.store.teams[team.id])
    with pytest.raises(PreconditionFailed):
        tenancy.teams.change(actor, team.id, ChangeTeam(name="Other", expected_version=1))
    with pytest.raises(PreconditionFailed):
        tenancy.teams.delete(actor, team.id, expected_version=1)
    assert tenancy.store.teams[team.id] == before
    assert before.version == 2


def test_a_deleted_team_is_not_found_and_its_name_is_free_again(tenancy: Tenancy) -> None:
    _, actor = owner_of_org(tenancy)
    team = tenancy.teams.create(actor, name="Core", description="")
    tenancy.teams.delete(actor, team.id, expected_version=1)
    assert tenancy.store.teams[team.id].deleted_at == START
    with pytest.raises(NotFound):
        tenancy.teams.get(actor, team.id)
    with pytest.raises(NotFound):
        tenancy.teams.change(actor, team.id, ChangeTeam(name="Back"))
    with pytest.raises(NotFound):
        tenancy.teams.page_members(actor, team.id, PageRequest())
    assert tenancy.teams.page(actor, PageRequest()).items == []
    again = tenancy.teams.create(actor, name="core", description="")
    assert live_team_names(tenancy, actor.org_id) == ["core"]
    assert again.id != team.id


def test_another_organizations_team_is_not_found(tenancy: Tenancy) -> None:
    _, acme = owner_of_org(tenancy, "acme")
    _, other = owner_of_org(tenancy, "other", "Oli")
    team = tenancy.teams.create(other, name="Core", description="")
    with pytest.raises(NotFound):
        tenancy.teams.get(acme, team.id)
    with pytest.raises(NotFound):
        tenancy.teams.delete(acme, team.id, expected_version=None)
    with pytest.raises(NotFound):
        tenancy.teams.put_member(acme, team.id, acme.user_id, TeamRole.LEAD)
    assert tenancy.store.teams[team.id].deleted_at is None
    assert tenancy.store.team_members == {}


def test_only_organization_members_join_a_team(tenancy: Tenancy) -> None:
    ada, actor = owner_of_org(tenancy)
    stranger = tenancy.user("Stranger")
    team = tenancy.teams.create(actor, name="Core", description="")
    with pytest.raises(ValidationFailed) as caught:
        tenancy.teams.put_member(actor, team.id, stranger.id, TeamRole.MEMBER)
    assert [e.field for e in caught.value.errors] == ["user_id"]
    assert tenancy.store.team_members == {}
    tenancy.teams.put_member(actor, team.id, ada.id, TeamRole.LEAD)
    assert list(tenancy.store.team_members) == [(team.org_id, team.id, ada.id)]


def test_putting_a_member_again_changes_the_role_and_keeps_when_added(tenancy: Tenancy) -> None:
    ada, actor = owner_of_org(tenancy)
    bob = tenancy.join(actor.org_id, ada, "Bob", Role.MEMBER)
    team = tenancy.teams.create(actor, name="Core", description="")
    added = tenancy.teams.put_member(actor, team.id, bob.id, TeamRole.MEMBER)
    tenancy.clock.advance(hours=2)
    promoted = tenancy.teams.put_member(actor, team.id, bob.id, TeamRole.LEAD)
    expected = TeamMember(team_id=team.id, user_id=bob.id, role=TeamRole.LEAD, added_at=START)
    assert added.added_at == START
    assert promoted == expected
    assert tenancy.store.team_members == {(team.org_id, team.id, bob.id): expected}
    assert tenancy.teams.page_members(actor, team.id, PageRequest()).items == [expected]


def test_team_members_are_listed_in_the_order_they_were_added(tenancy: Tenancy) -> None:
    ada, actor = owner_of_org(tenancy)
    team = tenancy.teams.create(actor, name="Core", description="")
    names = ["Bob", "Cy", "Di"]
    for name in names:
        user = tenancy.join(actor.org_id, ada, name, Role.MEMBER)
        tenancy.teams.put_member(actor, team.id, user.id, TeamRole.MEMBER)
        tenancy.clock.advance(seconds=1)
    first = tenancy.teams.page_members(actor, team.id, PageRequest(limit=2))
    rest = tenancy.teams.page_members(actor, team.id, PageRequest(limit=2, after=first.next_after))
    by_id = tenancy.directory.get_many([m.user_id for m in first.items + rest.items])
    assert [by_id[m.user_id].name for m in first.items + rest.items] == names
    assert rest.next_after is None


def test_removing_a_team_member(tenancy: Tenancy) -> None:
    ada, actor = owner_of_org(tenancy)
    bob = tenancy.join(actor.org_id, ada, "Bob", Role.MEMBER)
    team = tenancy.teams.create(actor, name="Core", description="")
    tenancy.teams.put_member(actor, team.id, ada.id, TeamRole.LEAD)
    tenancy.teams.put_member(actor, team.id, bob.id, TeamRole.MEMBER)
    tenancy.teams.remove_member(actor, team.id, bob.id)
    assert list(tenancy.store.team_members) == [(team.org_id, team.id, ada.id)]
    with pytest.raises(NotFound):
        tenancy.teams.remove_member(actor, team.id, bob.id)
    assert list(tenancy.store.team_members) == [(team.org_id, team.id, ada.id)]
