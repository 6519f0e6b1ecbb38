"""The fakes keep the contracts the SQL adapters keep (tests/contracts/realtime.py)."""

import uuid
from datetime import datetime

import pytest

from taskhub.contexts.integrations.public import PublishedEvent
from taskhub.contexts.realtime.application.testing.fakes import FakeEventLog, FakeTicketStore
from tests.contracts.realtime import EventLogUnderTest, OrgEventLogContract, TicketStoreContract


class TestFakeTicketStore(TicketStoreContract):
    @pytest.fixture
    def store(self) -> FakeTicketStore:
        return FakeTicketStore()


class TestFakeEventLog(OrgEventLogContract):
    @pytest.fixture
    def event_log(self) -> EventLogUnderTest:
        log = FakeEventLog()

        def append(org_id: uuid.UUID, event_type: str, at: datetime) -> PublishedEvent:
            return log.append(org_id, event_type, at)

        return EventLogUnderTest(log=log, append=append)
