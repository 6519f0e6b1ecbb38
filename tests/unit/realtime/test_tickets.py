"""Tickets: single use, short-lived, one organization's, stored only as a hash."""

import uuid

import pytest

from taskhub.contexts.realtime.application.tickets import TICKET_LIFETIME
from taskhub.shared_kernel.errors import Unauthenticated
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.unit.realtime.conftest import World


def _actor(world: World) -> Actor:
    principal = Principal(kind=PrincipalKind.USER, user_id=uuid.uuid4())
    return Actor(principal=principal, org_id=world.org_id, role=Role.VIEWER)


def test_a_ticket_stands_for_the_credential_that_asked_once(world: World) -> None:
    issued = world.tickets.issue(_actor(world), "the-access-token")
    assert issued.expires_in == 60
    stored = next(iter(world.store.tickets.values()))
    assert issued.ticket not in (stored.ticket_hash, stored.sealed_credential)
    assert world.tickets.redeem(issued.ticket, world.org_id) == "the-access-token"
    with pytest.raises(Unauthenticated) as refused:
        world.tickets.redeem(issued.ticket, world.org_id)
    assert refused.value.code == "invalid_ticket"


def test_an_expired_ticket_is_refused_and_pruned(world: World) -> None:
    issued = world.tickets.issue(_actor(world), "token")
    world.clock.advance(TICKET_LIFETIME.total_seconds())
    with pytest.raises(Unauthenticated):
        world.tickets.redeem(issued.ticket, world.org_id)
    assert world.tickets.prune() == 1
    assert world.store.tickets == {}


def test_a_ticket_opens_only_its_organization(world: World) -> None:
    issued = world.tickets.issue(_actor(world), "token")
    with pytest.raises(Unauthenticated):
        world.tickets.redeem(issued.ticket, uuid.uuid4())
    assert world.tickets.redeem(issued.ticket, world.org_id) == "token"


def test_an_unknown_ticket_is_refused(world: World) -> None:
    with pytest.raises(Unauthenticated):
        world.tickets.redeem("tkt_made_up", world.org_id)
