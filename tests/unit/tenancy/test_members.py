"""Adding members, changing their roles and removing them, through fakes of the ports."""

import uuid

import pytest

from taskhub.contexts.tenancy.domain.errors import AlreadyMember
from taskhub.contexts.tenancy.domain.team import TeamRole
from taskhub.shared_kernel.errors import Conflict, NotFound, PermissionDenied
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.roles import Role
from tests.unit.tenancy.conftest import Tenancy


def roles(tenancy: Tenancy, org_id: uuid.UUID) -> dict[uuid.UUID, Role]:
    """Every member of the organization, by user id, with their role."""
    return {
        user_id: membership.role
        for (member_org, user_id), membership in tenancy.store.memberships.items()
        if member_org == org_id
    }


def test_a_registered_user_is_added_by_email_in_any_case(tenancy: Tenancy) -> None:
    ada, bob = tenancy.user("Ada"), tenancy.user("Bob")
    org = tenancy.found(ada)
    tenancy.clock.advance(minutes=3)
    view = tenancy.members.add(
        tenancy.actor(ada, org.id), email=" BOB@Example.com", role=Role.MEMBER
    )
    assert view.user == bob
    stored = tenancy.store.memberships[(org.id, bob.id)]
    assert (stored.role, stored.joined_at) == (Role.MEMBER, tenancy.clock.now())
    assert tenancy.access.role_of(bob.id, org.id) is Role.MEMBER


def test_members_are_listed_with_their_names_in_join_order(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    for name in ("Bob", "Cy", "Di"):
        tenancy.clock.advance(minutes=1)
        tenancy.join(org.id, ada, name, Role.VIEWER)
    actor = tenancy.actor(ada, org.id)
    first = tenancy.members.page(actor, PageRequest(limit=2))
    rest = tenancy.members.page(actor, PageRequest(limit=2, after=first.next_after))
    listed = [(v.user.name, v.user.email, v.membership.role) for v in first.items + rest.items]
    assert listed == [
        ("Ada", "ada@example.com", Role.OWNER),
        ("Bob", "bob@example.com", Role.VIEWER),
        ("Cy", "cy@example.com", Role.VIEWER),
        ("Di", "di@example.com", Role.VIEWER),
    ]
    assert rest.next_after is None


def test_an_unknown_email_is_not_found_as_user_not_found(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    with pytest.raises(NotFound) as caught:
        tenancy.members.add(tenancy.actor(ada, org.id), email="ghost@example.com", role=Role.MEMBER)
    assert caught.value.code == "user_not_found"
    assert roles(tenancy, org.id) == {ada.id: Role.OWNER}


def test_a_deactivated_user_cannot_be_added(tenancy: Tenancy) -> None:
    ada, bob = tenancy.user("Ada"), tenancy.user("Bob")
    org = tenancy.found(ada)
    tenancy.directory.set_active(bob.id, False)
    with pytest.raises(NotFound):
        tenancy.members.add(tenancy.actor(ada, org.id), email=bob.email, role=Role.MEMBER)
    assert bob.id not in roles(tenancy, org.id)


def test_a_member_cannot_be_added_twice(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    bob = tenancy.join(org.id, ada, "Bob", Role.VIEWER)
    with pytest.raises(AlreadyMember):
        tenancy.members.add(tenancy.actor(ada, org.id), email=bob.email, role=Role.ADMIN)
    assert roles(tenancy, org.id) == {ada.id: Role.OWNER, bob.id: Role.VIEWER}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
def test_only_an_owner_adds_admins_and_owners(tenancy: Tenancy, role: Role) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    admin = tenancy.join(org.id, ada, "Adm", Role.ADMIN)
    bob, cy = tenancy.user("Bob"), tenancy.user("Cy")
    with pytest.raises(PermissionDenied):
        tenancy.members.add(tenancy.actor(admin, org.id), email=bob.email, role=role)
    assert bob.id not in roles(tenancy, org.id)
    tenancy.members.add(tenancy.actor(ada, org.id), email=cy.email, role=role)
    assert roles(tenancy, org.id)[cy.id] is role


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_an_admin_adds_members_and_viewers(tenancy: Tenancy, role: Role) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    admin = tenancy.join(org.id, ada, "Adm", Role.ADMIN)
    bob = tenancy.join(org.id, admin, "Bob", role)
    assert roles(tenancy, org.id)[bob.id] is role


def test_an_admin_changes_roles_below_admin_only(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    admin = tenancy.join(org.id, ada, "Adm", Role.ADMIN)
    other_admin = tenancy.join(org.id, ada, "Oth", Role.ADMIN)
    bob = tenancy.join(org.id, ada, "Bob", Role.MEMBER)
    actor = tenancy.actor(admin, org.id)

    view = tenancy.members.change_role(actor, bob.id, Role.VIEWER)
    assert view.membership.role is Role.VIEWER
    assert roles(tenancy, org.id)[bob.id] is Role.VIEWER

    with pytest.raises(PermissionDenied):
        tenancy.members.change_role(actor, bob.id, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        tenancy.members.change_role(actor, other_admin.id, Role.MEMBER)
    with pytest.raises(PermissionDenied):
        tenancy.members.change_role(actor, ada.id, Role.ADMIN)
    assert roles(tenancy, org.id) == {
        ada.id: Role.OWNER,
        admin.id: Role.ADMIN,
        other_admin.id: Role.ADMIN,
        bob.id: Role.VIEWER,
    }


def test_an_owner_promotes_and_demotes_admins(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    bob = tenancy.join(org.id, ada, "Bob", Role.MEMBER)
    actor = tenancy.actor(ada, org.id)
    tenancy.members.change_role(actor, bob.id, Role.ADMIN)
    assert roles(tenancy, org.id)[bob.id] is Role.ADMIN
    tenancy.members.change_role(actor, bob.id, Role.VIEWER)
    assert roles(tenancy, org.id)[bob.id] is Role.VIEWER


def test_the_last_owner_can_be_neither_demoted_nor_removed(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    actor = tenancy.actor(ada, org.id)
    with pytest.raises(Conflict) as demoted:
        tenancy.members.change_role(actor, ada.id, Role.ADMIN)
    with pytest.raises(Conflict) as removed:
        tenancy.members.remove(actor, ada.id)
    assert demoted.value.code == removed.value.code == "last_owner"
    assert roles(tenancy, org.id) == {ada.id: Role.OWNER}


def test_an_owner_can_step_down_once_there_is_a_second_owner(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    bob = tenancy.join(org.id, ada, "Bob", Role.OWNER)
    tenancy.members.change_role(tenancy.actor(ada, org.id), ada.id, Role.MEMBER)
    assert roles(tenancy, org.id) == {ada.id: Role.MEMBER, bob.id: Role.OWNER}
    with pytest.raises(Conflict):
        tenancy.members.remove(tenancy.actor(bob, org.id), bob.id)
    cy = tenancy.join(org.id, bob, "Cy", Role.OWNER)
    tenancy.members.remove(tenancy.actor(cy, org.id), bob.id)
    assert roles(tenancy, org.id) == {ada.id: Role.MEMBER, cy.id: Role.OWNER}


def test_an_admin_cannot_remove_an_admin_or_an_owner(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    admin = tenancy.join(org.id, ada, "Adm", Role.ADMIN)
    other_admin = tenancy.join(org.id, ada, "Oth", Role.ADMIN)
    bob = tenancy.join(org.id, ada, "Bob", Role.MEMBER)
    actor = tenancy.actor(admin, org.id)
    for target in (other_admin, ada):
        with pytest.raises(PermissionDenied):
            tenancy.members.remove(actor, target.id)
    tenancy.members.remove(actor, bob.id)
    assert set(roles(tenancy, org.id)) == {ada.id, admin.id, other_admin.id}


def test_changing_or_removing_a_non_member_is_not_found(tenancy: Tenancy) -> None:
    ada, stranger = tenancy.user("Ada"), tenancy.user("Stranger")
    org = tenancy.found(ada)
    actor = tenancy.actor(ada, org.id)
    with pytest.raises(NotFound):
        tenancy.members.change_role(actor, stranger.id, Role.MEMBER)
    with pytest.raises(NotFound):
        tenancy.members.remove(actor, stranger.id)
    assert roles(tenancy, org.id) == {ada.id: Role.OWNER}


def test_a_removed_member_leaves_that_organizations_teams_only(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    acme, other = tenancy.found(ada, "acme"), tenancy.found(ada, "other")
    bob = tenancy.join(acme.id, ada, "Bob", Role.MEMBER)
    tenancy.members.add(tenancy.actor(ada, other.id), email=bob.email, role=Role.MEMBER)
    in_acme = tenancy.actor(ada, acme.id)
    in_other = tenancy.actor(ada, other.id)
    core = tenancy.teams.create(in_acme, name="Core", description="")
    web = tenancy.teams.create(in_acme, name="Web", description="")
    elsewhere = tenancy.teams.create(in_other, name="Core", description="")
    for actor, team in [(in_acme, core), (in_acme, web), (in_other, elsewhere)]:
        tenancy.teams.put_member(actor, team.id, bob.id, TeamRole.MEMBER)
    tenancy.teams.put_member(in_acme, core.id, ada.id, TeamRole.LEAD)

    tenancy.members.remove(in_acme, bob.id)

    assert bob.id not in roles(tenancy, acme.id)
    assert tenancy.access.role_of(bob.id, acme.id) is None
    assert set(tenancy.store.team_members) == {
        (acme.id, core.id, ada.id),
        (other.id, elsewhere.id, bob.id),
    }
    assert tenancy.access.role_of(bob.id, other.id) is Role.MEMBER


def test_members_of_a_deleted_organization_cannot_be_managed(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    bob = tenancy.join(org.id, ada, "Bob", Role.MEMBER)
    actor = tenancy.actor(ada, org.id)
    tenancy.organizations.delete(actor, expected_version=None)
    cy = tenancy.user("Cy")
    with pytest.raises(NotFound):
        tenancy.members.add(actor, email=cy.email, role=Role.MEMBER)
    with pytest.raises(NotFound):
        tenancy.members.change_role(actor, bob.id, Role.VIEWER)
    with pytest.raises(NotFound):
        tenancy.members.remove(actor, bob.id)
    assert roles(tenancy, org.id) == {ada.id: Role.OWNER, bob.id: Role.MEMBER}
