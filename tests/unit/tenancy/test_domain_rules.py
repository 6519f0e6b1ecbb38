"""Tenancy's domain rules: slugs, names, versions, and who may grant which role."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from taskhub.contexts.tenancy.domain.membership import (
    check_may_assign,
    check_may_change,
    check_may_remove,
)
from taskhub.contexts.tenancy.domain.organization import Organization, Plan, validated_slug
from taskhub.contexts.tenancy.domain.team import Team
from taskhub.shared_kernel.errors import Conflict, PermissionDenied, ValidationFailed
from taskhub.shared_kernel.roles import Role

NOW = datetime(2026, 11, 22, tzinfo=UTC)
LATER = NOW + timedelta(minutes=1)

OWNER, ADMIN, MEMBER, VIEWER = Role.OWNER, Role.ADMIN, Role.MEMBER, Role.VIEWER


@pytest.mark.parametrize(
    ("slug", "ok"),
    [
        ("abc", True),
        ("a" * 63, True),
        ("a1-b2", True),
        ("9to5", True),
        ("a-" * 31 + "a", True),
        ("ab", False),
        ("a" * 64, False),
        ("-abc", False),
        ("abc-", False),
        ("ABC", False),
        ("a.bc", False),
        ("a_bc", False),
        ("abc\n", False),
        (" abc", False),
    ],
)
def test_slugs(slug: str, ok: bool) -> None:
    if ok:
        assert validated_slug(slug) == slug
    else:
        with pytest.raises(ValidationFailed) as caught:
            validated_slug(slug)
        assert [e.field for e in caught.value.errors] == ["slug"]


def test_a_founded_organization_starts_free_at_version_one() -> None:
    org = Organization.found(name="Acme", slug="acme", now=NOW)
    assert (org.plan, org.version, org.created_at, org.updated_at, org.deleted_at) == (
        Plan.FREE,
        1,
        NOW,
        NOW,
        None,
    )


def test_an_organization_change_reports_and_counts_only_real_changes() -> None:
    org = Organization.found(name="Acme", slug="acme", now=NOW)
    assert org.change(name="Acme", slug="acme", now=LATER) == {}
    assert (org.version, org.updated_at) == (1, NOW)
    assert org.change(name="Acme Ltd", slug=None, now=LATER) == {"name": ("Acme", "Acme Ltd")}
    assert (org.version, org.updated_at) == (2, LATER)
    assert org.change(name=None, slug="acme-ltd", now=LATER) == {"slug": ("acme", "acme-ltd")}
    assert org.version == 3


def test_an_invalid_organization_change_is_refused() -> None:
    org = Organization.found(name="Acme", slug="acme", now=NOW)
    with pytest.raises(ValidationFailed):
        org.change(name=" ", slug=None, now=LATER)
    with pytest.raises(ValidationFailed):
        org.change(name=None, slug="-bad", now=LATER)
    assert (org.name, org.slug, org.version) == ("Acme", "acme", 1)


def test_deleting_an_organization_marks_it_and_bumps_the_version() -> None:
    org = Organization.found(name="Acme", slug="acme", now=NOW)
    org.delete(LATER)
    assert (org.deleted_at, org.updated_at, org.version) == (LATER, LATER, 2)


def test_a_team_change_reports_and_counts_only_real_changes() -> None:
    team = Team.create(org_id=uuid.uuid4(), name="Core", description="", now=NOW)
    assert team.change(name="Core", description="", now=LATER) == {}
    assert team.version == 1
    assert team.change(name=None, description="Runs things", now=LATER) == {
        "description": ("", "Runs things")
    }
    assert (team.version, team.updated_at) == (2, LATER)
    with pytest.raises(ValidationFailed):
        team.change(name="  ", description=None, now=LATER)
    with pytest.raises(ValidationFailed):
        Team.create(org_id=uuid.uuid4(), name="", description="", now=NOW)


@pytest.mark.parametrize(
    ("actor", "role", "allowed"),
    [
        (OWNER, OWNER, True),
        (OWNER, ADMIN, True),
        (OWNER, VIEWER, True),
        (ADMIN, OWNER, False),
        (ADMIN, ADMIN, False),
        (ADMIN, MEMBER, True),
        (ADMIN, VIEWER, True),
    ],
)
def test_who_may_grant_a_role_to_a_newcomer(actor: Role, role: Role, allowed: bool) -> None:
    if allowed:
        check_may_assign(actor, role)
    else:
        with pytest.raises(PermissionDenied):
            check_may_assign(actor, role)


@pytest.mark.parametrize(
    ("actor", "current", "new", "owners", "outcome"),
    [
        (ADMIN, MEMBER, VIEWER, 1, None),
        (ADMIN, VIEWER, MEMBER, 1, None),
        (ADMIN, MEMBER, ADMIN, 1, PermissionDenied),
        (ADMIN, ADMIN, MEMBER, 1, PermissionDenied),
        (ADMIN, OWNER, MEMBER, 2, PermissionDenied),
        (OWNER, MEMBER, ADMIN, 1, None),
        (OWNER, ADMIN, VIEWER, 1, None),
        (OWNER, MEMBER, OWNER, 1, None),
        (OWNER, OWNER, ADMIN, 1, Conflict),
        (OWNER, OWNER, ADMIN, 2, None),
    ],
)
def test_who_may_change_a_role(
    actor: Role, current: Role, new: Role, owners: int, outcome: type[Exception] | None
) -> None:
    if outcome is None:
        check_may_change(actor, current, new, owners)
    else:
        with pytest.raises(outcome):
            check_may_change(actor, current, new, owners)


@pytest.mark.parametrize(
    ("actor", "current", "owners", "outcome"),
    [
        (ADMIN, MEMBER, 1, None),
        (ADMIN, VIEWER, 1, None),
        (ADMIN, ADMIN, 1, PermissionDenied),
        (ADMIN, OWNER, 2, PermissionDenied),
        (OWNER, ADMIN, 1, None),
        (OWNER, OWNER, 1, Conflict),
        (OWNER, OWNER, 2, None),
    ],
)
def test_who_may_remove_a_member(
    actor: Role, current: Role, owners: int, outcome: type[Exception] | None
) -> None:
    if outcome is None:
        check_may_remove(actor, current, owners)
    else:
        with pytest.raises(outcome):
            check_may_remove(actor, current, owners)


def test_the_last_owner_conflict_is_named() -> None:
    with pytest.raises(Conflict) as caught:
        check_may_remove(OWNER, OWNER, 1)
    assert caught.value.code == "last_owner"
