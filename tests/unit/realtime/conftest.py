"""Realtime's use cases wired to the fakes of its ports."""

import uuid
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from taskhub.contexts.realtime.application.streams import AccessCheck, StreamOpening
from taskhub.contexts.realtime.application.testing.fakes import (
    FakeClock,
    FakeCredentials,
    FakeEventLog,
    FakeOrgRoles,
    FakeTicketCodec,
    FakeTicketStore,
)
from taskhub.contexts.realtime.application.tickets import TicketDesk

KNOWN = frozenset({"task.created", "task.updated", "comment.created", "project.created"})
RETENTION = timedelta(days=30)


@attrs.define
class World:
    clock: FakeClock
    log: FakeEventLog
    credentials: FakeCredentials
    roles: FakeOrgRoles
    store: FakeTicketStore
    opening: StreamOpening
    access: AccessCheck
    tickets: TicketDesk
    org_id: uuid.UUID = attrs.field(factory=uuid.uuid4)


@pytest.fixture
def world() -> World:
    clock = FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    log = FakeEventLog()
    credentials = FakeCredentials()
    roles = FakeOrgRoles()
    store = FakeTicketStore()
    return World(
        clock=clock,
        log=log,
        credentials=credentials,
        roles=roles,
        store=store,
        opening=StreamOpening(log=log, clock=clock, retention=RETENTION, known_event_types=KNOWN),
        access=AccessCheck(credentials=credentials, roles=roles),
        tickets=TicketDesk(store=store, codec=FakeTicketCodec(), clock=clock),
    )
