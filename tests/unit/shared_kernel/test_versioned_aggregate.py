"""The shared behaviour of versioned, soft-deletable aggregates, shown on tenancy's."""

from datetime import UTC, datetime, timedelta

from taskhub.contexts.tenancy.domain.events import (
    OrganizationCreated,
    OrganizationDeleted,
    OrganizationUpdated,
    TeamUpdated,
)
from taskhub.contexts.tenancy.domain.organization import Organization
from taskhub.contexts.tenancy.domain.team import Team
from taskhub.shared_kernel.ids import new_id

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)


def test_an_aggregate_records_its_own_creation() -> None:
    org = Organization.found(name="Acme", slug="acme", now=NOW)
    [created] = org.pull_events()
    assert isinstance(created, OrganizationCreated)
    assert created.changes == {"name": (None, "Acme"), "slug": (None, "acme")}


def test_a_change_steps_the_version_once_and_records_what_changed() -> None:
    org = Organization.found(name="Acme", slug="acme", now=NOW)
    org.pull_events()
    assert org.change(name="Acme Ltd", slug="acme-ltd", now=LATER)
    assert (org.version, org.updated_at) == (2, LATER)
    [updated] = org.pull_events()
    assert isinstance(updated, OrganizationUpdated)
    assert updated.changes == {"name": ("Acme", "Acme Ltd"), "slug": ("acme", "acme-ltd")}


def test_a_change_to_the_same_values_is_no_change() -> None:
    team = Team.create(org_id=new_id(), name="Core", description="", now=NOW)
    team.pull_events()
    assert not team.change(name="Core", description=None, now=LATER)
    assert (team.version, team.updated_at) == (1, NOW)
    assert team.pull_events() == []


def test_only_the_fields_the_aggregate_names_can_change() -> None:
    team = Team.create(org_id=new_id(), name="Core", description="", now=NOW)
    team.pull_events()
    team.change(name=None, description="The core team", now=LATER)
    [updated] = team.pull_events()
    assert isinstance(updated, TeamUpdated)
    assert updated.changes == {"description": ("", "The core team")}


def test_a_delete_is_soft_and_versioned() -> None:
    org = Organization.found(name="Acme", slug="acme", now=NOW)
    org.pull_events()
    org.delete(LATER)
    assert (org.deleted_at, org.updated_at, org.version) == (LATER, LATER, 2)
    [deleted] = org.pull_events()
    assert isinstance(deleted, OrganizationDeleted)
