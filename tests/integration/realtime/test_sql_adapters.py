"""The SQL adapters realtime uses, on SQLite and PostgreSQL: the ticket table (one
redemption however many try at once) and integrations' event log read as `OrgEventLog`."""

import threading
import uuid
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine

from taskhub.contexts.integrations.adapters.sql.event_log import SqlEventLog
from taskhub.contexts.integrations.public import PublishedEvent
from taskhub.contexts.realtime.adapters.sql.ticket_store import SqlTicketStore
from taskhub.platform.messaging.tables import outbox
from tests.contracts.realtime import (
    NOW,
    EventLogUnderTest,
    OrgEventLogContract,
    TicketStoreContract,
    ticket,
)


class TestSqlTicketStore(TicketStoreContract):
    @pytest.fixture
    def store(self, engine: Engine) -> SqlTicketStore:
        return SqlTicketStore(engine)


class TestSqlEventLog(OrgEventLogContract):
    @pytest.fixture
    def event_log(self, engine: Engine) -> EventLogUnderTest:
        def append(org_id: uuid.UUID, event_type: str, at: datetime) -> PublishedEvent:
            event_id = uuid.uuid4()
            with engine.begin() as connection:
                position = connection.execute(
                    outbox.insert()
                    .values(
                        event_id=event_id,
                        event_type=event_type,
                        org_id=org_id,
                        ordering_key=f"test:{event_id}",
                        occurred_at=at,
                        payload={"id": str(event_id)},
                    )
                    .returning(outbox.c.position)
                ).scalar_one()
            return PublishedEvent(
                position=int(position), id=event_id, type=event_type, occurred_at=at, data={}
            )

        return EventLogUnderTest(log=SqlEventLog(engine), append=append)


def test_racing_redemptions_of_one_ticket_succeed_once(engine: Engine) -> None:
    """Real threads, each on its own connection, redeem the same ticket at once."""
    store = SqlTicketStore(engine)
    org_id = uuid.uuid4()
    store.add(ticket(org_id, "d" * 64))
    start = threading.Barrier(8)
    results: list[str | None] = []
    lock = threading.Lock()

    def redeem() -> None:
        start.wait()
        got = store.redeem(org_id, "d" * 64, NOW)
        with lock:
            results.append(got)

    threads = [threading.Thread(target=redeem) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r for r in results if r is not None] == ["sealed-" + "d" * 64]
    assert results.count(None) == 7
