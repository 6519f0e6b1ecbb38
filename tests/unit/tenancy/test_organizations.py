"""Founding, reading, changing and deleting organizations, through fakes of the ports."""

import copy

import pytest

from taskhub.contexts.tenancy.application.organizations import ChangeOrganization
from taskhub.contexts.tenancy.domain.errors import SlugTaken
from taskhub.contexts.tenancy.domain.organization import Plan
from taskhub.shared_kernel.errors import NotFound, PreconditionFailed, ValidationFailed
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.roles import Role
from tests.unit.tenancy.conftest import START, Tenancy


def test_founding_stores_the_organization_and_makes_the_founder_its_owner(
    tenancy: Tenancy,
) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.organizations.found(ada.id, name="Acme", slug="acme")
    stored = tenancy.store.organizations[org.id]
    assert (stored.name, stored.slug, stored.plan, stored.version) == ("Acme", "acme", Plan.FREE, 1)
    assert stored.created_at == stored.updated_at == START
    assert stored.deleted_at is None
    membership = tenancy.store.memberships[(org.id, ada.id)]
    assert (membership.role, membership.joined_at) == (Role.OWNER, START)
    assert tenancy.access.role_of(ada.id, org.id) is Role.OWNER
    assert tenancy.organizations.get(tenancy.actor(ada, org.id)) == stored


@pytest.mark.parametrize(
    "slug",
    [
        "ab",
        "a" * 64,
        "-acme",
        "acme-",
        "Acme",
        "ac_me",
        "ac me",
        "acmé",
        "acme\n",
        "",
    ],
)
def test_a_malformed_slug_is_refused_on_the_slug_field(tenancy: Tenancy, slug: str) -> None:
    ada = tenancy.user("Ada")
    with pytest.raises(ValidationFailed) as caught:
        tenancy.organizations.found(ada.id, name="Acme", slug=slug)
    assert [e.field for e in caught.value.errors] == ["slug"]
    assert tenancy.store.organizations == {}
    assert tenancy.store.memberships == {}


@pytest.mark.parametrize("slug", ["abc", "a" * 63, "a-b", "0-9", "a--b", "2026"])
def test_a_well_formed_slug_is_accepted(tenancy: Tenancy, slug: str) -> None:
    org = tenancy.organizations.found(tenancy.user("Ada").id, name="Acme", slug=slug)
    assert tenancy.store.organizations[org.id].slug == slug


def test_a_blank_name_is_refused_on_the_name_field(tenancy: Tenancy) -> None:
    with pytest.raises(ValidationFailed) as caught:
        tenancy.organizations.found(tenancy.user("Ada").id, name="   ", slug="acme")
    assert [e.field for e in caught.value.errors] == ["name"]
    assert tenancy.store.organizations == {}


def test_a_taken_slug_is_refused_and_nothing_is_founded(tenancy: Tenancy) -> None:
    ada, bob = tenancy.user("Ada"), tenancy.user("Bob")
    first = tenancy.found(ada, "acme")
    with pytest.raises(SlugTaken):
        tenancy.found(bob, "acme")
    assert list(tenancy.store.organizations) == [first.id]
    assert list(tenancy.store.memberships) == [(first.id, ada.id)]


def test_the_slug_of_a_deleted_organization_stays_taken(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada, "acme")
    tenancy.organizations.delete(tenancy.actor(ada, org.id), expected_version=None)
    with pytest.raises(SlugTaken):
        tenancy.found(ada, "acme")


def test_a_change_is_stored_with_a_new_version(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada, "acme")
    tenancy.clock.advance(minutes=5)
    changed = tenancy.organizations.change(
        tenancy.actor(ada, org.id),
        ChangeOrganization(name="Acme Ltd", slug="acme-ltd", expected_version=1),
    )
    stored = tenancy.store.organizations[org.id]
    assert stored == changed
    assert (stored.name, stored.slug, stored.version) == ("Acme Ltd", "acme-ltd", 2)
    assert stored.updated_at == tenancy.clock.now()
    assert stored.created_at == START


def test_a_change_that_changes_nothing_keeps_the_version(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada, "acme")
    tenancy.clock.advance(minutes=5)
    same = tenancy.organizations.change(
        tenancy.actor(ada, org.id), ChangeOrganization(name="Acme", slug="acme")
    )
    empty = tenancy.organizations.change(tenancy.actor(ada, org.id), ChangeOrganization())
    assert same.version == empty.version == 1
    stored = tenancy.store.organizations[org.id]
    assert (stored.version, stored.updated_at) == (1, START)


def test_a_change_against_a_stale_version_fails_and_changes_nothing(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada, "acme")
    tenancy.organizations.change(tenancy.actor(ada, org.id), ChangeOrganization(name="Acme 2"))
    before = copy.deepcopy(tenancy.store.organizations[org.id])
    with pytest.raises(PreconditionFailed):
        tenancy.organizations.change(
            tenancy.actor(ada, org.id),
            ChangeOrganization(name="Acme 3", slug="acme-3", expected_version=1),
        )
    assert tenancy.store.organizations[org.id] == before
    assert before.version == 2


def test_a_change_to_a_taken_or_malformed_slug_changes_nothing(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    tenancy.found(ada, "taken")
    org = tenancy.found(ada, "acme")
    before = copy.deepcopy(tenancy.store.organizations[org.id])
    with pytest.raises(SlugTaken):
        tenancy.organizations.change(
            tenancy.actor(ada, org.id), ChangeOrganization(name="New", slug="taken")
        )
    with pytest.raises(ValidationFailed) as caught:
        tenancy.organizations.change(
            tenancy.actor(ada, org.id), ChangeOrganization(name="New", slug="Bad Slug")
        )
    assert [e.field for e in caught.value.errors] == ["slug"]
    assert tenancy.store.organizations[org.id] == before


def test_a_deleted_organization_is_gone_for_everyone(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada, "acme")
    actor = tenancy.actor(ada, org.id)
    tenancy.clock.advance(hours=1)
    tenancy.organizations.delete(actor, expected_version=1)
    assert tenancy.store.organizations[org.id].deleted_at == tenancy.clock.now()
    with pytest.raises(NotFound):
        tenancy.organizations.get(actor)
    with pytest.raises(NotFound):
        tenancy.organizations.change(actor, ChangeOrganization(name="Back"))
    with pytest.raises(NotFound):
        tenancy.organizations.delete(actor, expected_version=None)
    assert tenancy.access.role_of(ada.id, org.id) is None
    assert tenancy.organizations.page_mine(ada.id, PageRequest()).items == []


def test_deleting_against_a_stale_version_fails_and_keeps_the_organization(
    tenancy: Tenancy,
) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada, "acme")
    with pytest.raises(PreconditionFailed):
        tenancy.organizations.delete(tenancy.actor(ada, org.id), expected_version=7)
    assert tenancy.store.organizations[org.id].deleted_at is None
    assert tenancy.organizations.get(tenancy.actor(ada, org.id)).id == org.id


def test_my_organizations_come_with_my_role_oldest_first(tenancy: Tenancy) -> None:
    ada, bob = tenancy.user("Ada"), tenancy.user("Bob")
    tenancy.found(ada, "mine")
    tenancy.clock.advance(minutes=1)
    bobs = tenancy.found(bob, "bobs")
    tenancy.members.add(tenancy.actor(bob, bobs.id), email=ada.email, role=Role.VIEWER)
    tenancy.clock.advance(minutes=1)
    not_mine = tenancy.found(bob, "not-mine")
    tenancy.clock.advance(minutes=1)
    gone = tenancy.found(ada, "gone")
    tenancy.organizations.delete(tenancy.actor(ada, gone.id), expected_version=None)

    page = tenancy.organizations.page_mine(ada.id, PageRequest())
    assert [(org.slug, role) for org, role in page.items] == [
        ("mine", Role.OWNER),
        ("bobs", Role.VIEWER),
    ]
    assert page.next_after is None
    bobs_page = tenancy.organizations.page_mine(bob.id, PageRequest())
    assert [(org.id, role) for org, role in bobs_page.items] == [
        (bobs.id, Role.OWNER),
        (not_mine.id, Role.OWNER),
    ]


def test_my_organizations_come_in_pages(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    slugs = [f"org-{n}" for n in range(5)]
    for slug in slugs:
        tenancy.found(ada, slug)
        tenancy.clock.advance(seconds=1)
    first = tenancy.organizations.page_mine(ada.id, PageRequest(limit=3))
    rest = tenancy.organizations.page_mine(ada.id, PageRequest(limit=3, after=first.next_after))
    assert [org.slug for org, _ in first.items] == slugs[:3]
    assert [org.slug for org, _ in rest.items] == slugs[3:]
    assert rest.next_after is None
