"""The contracts realtime's ports keep, run against the in-memory fakes (tests/unit) and
the SQL adapters on SQLite and PostgreSQL (tests/integration): the ticket store, and
integrations' `OrgEventLog` as realtime reads it.

Subclasses provide a `store` fixture (a `TicketStore`) for `TicketStoreContract`, and an
`event_log` fixture (an `EventLogUnderTest`: the log and a way to append an event as a
commit would) for `OrgEventLogContract`.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import attrs

from taskhub.contexts.integrations.public import OrgEventLog, PublishedEvent
from taskhub.contexts.realtime.application.ports import StoredTicket, TicketStore

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def ticket(org_id: uuid.UUID, ticket_hash: str, *, expires_in: float = 60) -> StoredTicket:
    return StoredTicket(
        org_id=org_id,
        id=uuid.uuid4(),
        ticket_hash=ticket_hash,
        sealed_credential=f"sealed-{ticket_hash}",
        user_id=uuid.uuid4(),
        created_at=NOW,
        expires_at=NOW + timedelta(seconds=expires_in),
    )


class TicketStoreContract:
    def test_a_ticket_is_redeemed_once_and_only_in_its_organization(
        self, store: TicketStore
    ) -> None:
        org_id = uuid.uuid4()
        store.add(ticket(org_id, "a" * 64))
        assert store.redeem(uuid.uuid4(), "a" * 64, NOW) is None
        assert store.redeem(org_id, "a" * 64, NOW) == "sealed-" + "a" * 64
        assert store.redeem(org_id, "a" * 64, NOW) is None

    def test_an_expired_ticket_is_not_redeemed_and_is_pruned(self, store: TicketStore) -> None:
        org_id = uuid.uuid4()
        store.add(ticket(org_id, "b" * 64, expires_in=60))
        store.add(ticket(org_id, "c" * 64, expires_in=600))
        later = NOW + timedelta(seconds=60)
        assert store.redeem(org_id, "b" * 64, later) is None
        assert store.prune(later) == 1
        assert store.prune(later) == 0
        assert store.redeem(org_id, "c" * 64, later) == "sealed-" + "c" * 64


@attrs.frozen
class EventLogUnderTest:
    log: OrgEventLog
    append: Callable[[uuid.UUID, str, datetime], PublishedEvent]


class OrgEventLogContract:
    def test_events_after_a_position_oldest_first_this_organizations_only(
        self, event_log: EventLogUnderTest
    ) -> None:
        mine, theirs = uuid.uuid4(), uuid.uuid4()
        first = event_log.append(mine, "task.created", NOW)
        event_log.append(theirs, "task.created", NOW)
        second = event_log.append(mine, "task.updated", NOW)
        third = event_log.append(mine, "comment.created", NOW)
        assert [e.id for e in event_log.log.after(mine, 0, limit=10)] == [
            first.id,
            second.id,
            third.id,
        ]
        after_first = event_log.log.after(mine, first.position, limit=1)
        assert [e.id for e in after_first] == [second.id]
        assert after_first[0].type == "task.updated"
        assert event_log.log.after(mine, third.position, limit=10) == []
        assert event_log.log.latest_position(mine) == third.position
        assert event_log.log.latest_position(uuid.uuid4()) == 0

    def test_a_position_is_found_for_the_organizations_events_within_retention(
        self, event_log: EventLogUnderTest
    ) -> None:
        mine = uuid.uuid4()
        old = event_log.append(mine, "task.created", NOW - timedelta(days=40))
        recent = event_log.append(mine, "task.updated", NOW)
        since = NOW - timedelta(days=30)
        assert event_log.log.position_of(mine, recent.id, since=since) == recent.position
        assert event_log.log.position_of(mine, old.id, since=since) is None
        assert event_log.log.position_of(uuid.uuid4(), recent.id, since=since) is None
