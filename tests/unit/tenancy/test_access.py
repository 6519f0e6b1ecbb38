"""Who holds which role where, for users and for API keys, through fakes of the ports."""

import uuid

import pytest

from taskhub.contexts.tenancy.application.access import TenancyAccess, org_scope
from taskhub.contexts.tenancy.application.testing.fakes import FakeTenancyUnitOfWork, TenancyStore
from taskhub.shared_kernel.principal import Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.unit.answers import MemoryAnswers
from tests.unit.tenancy.conftest import Tenancy


def user_principal(user_id: uuid.UUID) -> Principal:
    return Principal(kind=PrincipalKind.USER, user_id=user_id, session_id=uuid.uuid4())


def api_key(creator: uuid.UUID, org_id: uuid.UUID, role: Role | None) -> Principal:
    return Principal(
        kind=PrincipalKind.API_KEY,
        user_id=creator,
        api_key_id=uuid.uuid4(),
        org_id=org_id,
        role=role,
    )


def test_a_user_has_their_membership_role_and_none_elsewhere(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    acme, other = tenancy.found(ada, "acme"), tenancy.found(tenancy.user("Oli"), "other")
    bob = tenancy.join(acme.id, ada, "Bob", Role.VIEWER)
    assert tenancy.access.role_in(user_principal(ada.id), acme.id) is Role.OWNER
    assert tenancy.access.role_in(user_principal(bob.id), acme.id) is Role.VIEWER
    assert tenancy.access.role_in(user_principal(bob.id), other.id) is None
    assert tenancy.access.role_in(user_principal(ada.id), uuid.uuid4()) is None
    assert tenancy.access.role_of(bob.id, acme.id) is Role.VIEWER


def test_a_user_follows_role_changes_and_loses_access_on_leaving(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    bob = tenancy.join(org.id, ada, "Bob", Role.VIEWER)
    tenancy.members.change_role(tenancy.actor(ada, org.id), bob.id, Role.ADMIN)
    assert tenancy.access.role_in(user_principal(bob.id), org.id) is Role.ADMIN
    tenancy.members.remove(tenancy.actor(ada, org.id), bob.id)
    assert tenancy.access.role_in(user_principal(bob.id), org.id) is None


def test_nobody_has_a_role_in_a_deleted_organization(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    tenancy.organizations.delete(tenancy.actor(ada, org.id), expected_version=None)
    assert tenancy.access.role_in(user_principal(ada.id), org.id) is None
    assert tenancy.access.role_in(api_key(ada.id, org.id, Role.ADMIN), org.id) is None


@pytest.mark.parametrize(
    ("key_role", "creator_role", "effective"),
    [
        (Role.ADMIN, Role.OWNER, Role.ADMIN),
        (Role.VIEWER, Role.OWNER, Role.VIEWER),
        (Role.OWNER, Role.MEMBER, Role.MEMBER),
        (Role.ADMIN, Role.VIEWER, Role.VIEWER),
        (Role.MEMBER, Role.MEMBER, Role.MEMBER),
    ],
)
def test_an_api_key_acts_with_the_lower_of_its_role_and_its_creators(
    tenancy: Tenancy, key_role: Role, creator_role: Role, effective: Role
) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    creator = tenancy.join(org.id, ada, "Bob", creator_role)
    assert tenancy.access.role_in(api_key(creator.id, org.id, key_role), org.id) is effective


def test_an_api_key_follows_its_creators_demotion(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    bob = tenancy.join(org.id, ada, "Bob", Role.ADMIN)
    key = api_key(bob.id, org.id, Role.ADMIN)
    assert tenancy.access.role_in(key, org.id) is Role.ADMIN
    tenancy.members.change_role(tenancy.actor(ada, org.id), bob.id, Role.VIEWER)
    assert tenancy.access.role_in(key, org.id) is Role.VIEWER


def test_an_api_key_has_no_role_outside_its_organization(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    acme, other = tenancy.found(ada, "acme"), tenancy.found(ada, "other")
    key = api_key(ada.id, acme.id, Role.ADMIN)
    assert tenancy.access.role_in(key, acme.id) is Role.ADMIN
    assert tenancy.access.role_in(key, other.id) is None
    assert tenancy.access.role_of(ada.id, other.id) is Role.OWNER


def test_an_api_key_has_no_role_once_its_creator_has_left(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    bob = tenancy.join(org.id, ada, "Bob", Role.MEMBER)
    key = api_key(bob.id, org.id, Role.MEMBER)
    assert tenancy.access.role_in(key, org.id) is Role.MEMBER
    tenancy.members.remove(tenancy.actor(ada, org.id), bob.id)
    assert tenancy.access.role_in(key, org.id) is None


def test_an_api_key_without_a_role_has_none(tenancy: Tenancy) -> None:
    ada = tenancy.user("Ada")
    org = tenancy.found(ada)
    assert tenancy.access.role_in(api_key(ada.id, org.id, None), org.id) is None


def test_a_role_is_remembered_and_its_absence_is_not() -> None:
    store, answers, opened = TenancyStore(), MemoryAnswers(), []

    def uow(*, read_only: bool = False) -> FakeTenancyUnitOfWork:
        opened.append(read_only)
        return FakeTenancyUnitOfWork(store)

    access = TenancyAccess(uow=uow, answers=answers)
    org_id, user_id = uuid.uuid4(), uuid.uuid4()
    assert access.role_of(user_id, org_id) is None
    assert access.role_of(user_id, org_id) is None
    assert len(opened) == 2
    answers.remember(
        ("tenancy.role", org_id, user_id), Role.ADMIN, scope=org_scope(org_id), stamp=0
    )
    assert access.role_of(user_id, org_id) is Role.ADMIN
    assert len(opened) == 2
