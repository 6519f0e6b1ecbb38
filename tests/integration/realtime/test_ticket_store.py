"""The ticket table on SQLite and PostgreSQL: one redemption however many try at once."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from taskhub.contexts.realtime.adapters.sql.ticket_store import SqlTicketStore
from taskhub.contexts.realtime.application.ports import StoredTicket

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _ticket(org_id: uuid.UUID, ticket_hash: str, *, expires_in: float = 60) -> StoredTicket:
    return StoredTicket(
        org_id=org_id,
        id=uuid.uuid4(),
        ticket_hash=ticket_hash,
        sealed_credential=f"sealed-{ticket_hash}",
        user_id=uuid.uuid4(),
        created_at=NOW,
        expires_at=NOW + timedelta(seconds=expires_in),
    )


def test_a_ticket_is_redeemed_once_and_only_in_its_organization(engine: Engine) -> None:
    store = SqlTicketStore(engine)
    org_id = uuid.uuid4()
    store.add(_ticket(org_id, "a" * 64))
    assert store.redeem(uuid.uuid4(), "a" * 64, NOW) is None
    assert store.redeem(org_id, "a" * 64, NOW) == "sealed-" + "a" * 64
    assert store.redeem(org_id, "a" * 64, NOW) is None


def test_an_expired_ticket_is_not_redeemed_and_is_pruned(engine: Engine) -> None:
    store = SqlTicketStore(engine)
    org_id = uuid.uuid4()
    store.add(_ticket(org_id, "b" * 64, expires_in=60))
    store.add(_ticket(org_id, "c" * 64, expires_in=600))
    later = NOW + timedelta(seconds=60)
    assert store.redeem(org_id, "b" * 64, later) is None
    assert store.prune(later) == 1
    assert store.redeem(org_id, "c" * 64, later) == "sealed-" + "c" * 64


def test_racing_redemptions_of_one_ticket_succeed_once(engine: Engine) -> None:
    """Real threads, each on its own connection, redeem the same ticket at once."""
    store = SqlTicketStore(engine)
    org_id = uuid.uuid4()
    store.add(_ticket(org_id, "d" * 64))
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
    assert sorted(r for r in results if r is not None) == ["sealed-" + "d" * 64]
    assert results.count(None) == 7
