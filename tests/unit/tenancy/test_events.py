"""Every tenancy change records the event that the audit trail and the outbox consume."""

from typing import Any

import pytest

from taskhub.contexts.tenancy.application.organizations import ChangeOrganization
from taskhub.contexts.tenancy.application.teams import ChangeTeam
from taskhub.contexts.tenancy.domain.team import TeamRole
from taskhub.shared_kernel.errors import Conflict
from taskhub.shared_kernel.roles import Role
from tests.unit.tenancy.conftest import Tenancy


def actions(tenancy: Tenancy) -> list[str]:
    return [facts.action for e in tenancy.store.events if (facts := e.audit_facts()) is not None]


def live_through_everything(tenancy: Tenancy, *, second_role: bool = False) -> tuple[Any, ...]:
    """Every change tenancy knows, in one organization: (ada, org, owner, bob, team)."""
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    owner = tenancy.actor(ada, org.id)
    bob = tenancy.join(org.id, ada, "Bob", Role.VIEWER)
    tenancy.members.change_role(owner, bob.id, Role.MEMBER)
    team = tenancy.teams.create(owner, name="Core", description="")
    tenancy.teams.change(owner, team.id, ChangeTeam(name="Platform"))
    if second_role:
        tenancy.teams.put_member(owner, team.id, bob.id, TeamRole.MEMBER)
    tenancy.teams.put_member(owner, team.id, bob.id, TeamRole.LEAD)
    tenancy.teams.remove_member(owner, team.id, bob.id)
    tenancy.teams.delete(owner, team.id, None)
    tenancy.members.remove(owner, bob.id)
    return ada, org, owner, bob, team


def test_the_life_of_an_organization_is_audited_in_its_own_log(tenancy: Tenancy) -> None:
    _, org, owner, _, _ = live_through_everything(tenancy)
    tenancy.organizations.change(owner, ChangeOrganization(name="Acme Ltd"))
    tenancy.organizations.delete(owner, None)

    assert actions(tenancy) == [
        "organization.created",
        "member.added",
        "member.added",
        "member.role_changed",
        "team.created",
        "team.updated",
        "team.member_set",
        "team.member_removed",
        "team.deleted",
        "member.removed",
        "organization.updated",
        "organization.deleted",
    ]
    assert {e.audit_facts().org_id for e in tenancy.store.events} == {org.id}  # type: ignore[union-attr]


def test_changes_carry_old_and_new_values(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    owner = tenancy.actor(ada, org.id)
    bob = tenancy.join(org.id, ada, "Bob", Role.VIEWER)
    tenancy.members.change_role(owner, bob.id, Role.ADMIN)
    facts = tenancy.store.events[-1].audit_facts()
    assert facts is not None
    assert (facts.entity_type, facts.entity_id) == ("member", bob.id)
    assert facts.changes == {"role": ("viewer", "admin")}


def test_nothing_is_recorded_when_nothing_changes_or_a_rule_refuses(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    owner = tenancy.actor(ada, org.id)
    before = len(tenancy.store.events)
    tenancy.organizations.change(owner, ChangeOrganization(name=org.name))
    with pytest.raises(Conflict):
        tenancy.members.remove(owner, ada.id)
    assert len(tenancy.store.events) == before


def test_members_joining_and_leaving_are_published(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    bob = tenancy.join(org.id, ada, "Bob", Role.MEMBER)
    tenancy.members.remove(tenancy.actor(ada, org.id), bob.id)
    published = [e.integration_event() for e in tenancy.store.events]
    published = [p for p in published if p is not None]
    assert [(p.type, p.data["user_id"]) for p in published] == [
        ("member.added", str(ada.id)),
        ("member.added", str(bob.id)),
        ("member.removed", str(bob.id)),
    ]
    assert all(p.org_id == org.id for p in published)
    assert published[1].data == {"org_id": str(org.id), "user_id": str(bob.id), "role": "member"}


def test_every_change_inside_the_organization_is_published(tenancy: Tenancy) -> None:
    _, _, _, bob, team = live_through_everything(tenancy, second_role=True)

    published = [p for e in tenancy.store.events if (p := e.integration_event()) is not None]
    assert [p.type for p in published] == [
        "member.added",
        "member.added",
        "member.role_changed",
        "team.created",
        "team.updated",
        "team.member_added",
        "team.member_role_changed",
        "team.member_removed",
        "team.deleted",
        "member.removed",
    ]
    by_type = {p.type: p for p in published}
    assert by_type["member.role_changed"].data["role"] == "member"
    assert by_type["team.updated"].data["name"] == "Platform"
    assert by_type["team.updated"].data["version"] == 2
    assert by_type["team.member_role_changed"].data == {
        "team_id": str(team.id),
        "user_id": str(bob.id),
        "role": "lead",
    }
    assert by_type["team.member_removed"].data == {"team_id": str(team.id), "user_id": str(bob.id)}
    assert {p.ordering_key for p in published if p.type.startswith("team.")} == {str(team.id)}
