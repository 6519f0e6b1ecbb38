"""The audit writer as an event sink of a real unit of work, on SQLite and PostgreSQL."""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.audit.adapters.sql.tables import audit_chain_heads, audit_entries
from taskhub.contexts.audit.adapters.sql.unit_of_work import SqlAuditUnitOfWork
from taskhub.contexts.audit.adapters.sql.writer import SqlAuditWriter
from taskhub.contexts.audit.application.testing.fakes import FakeChainKeys
from taskhub.contexts.audit.domain.chain import ChainHead, verify_chain
from taskhub.contexts.audit.domain.entry import AuditEntry
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.platform.acting import ContextActingSource, acting_as
from taskhub.platform.unit_of_work import SqlUnitOfWork
from taskhub.shared_kernel.acting import Acting, ActorType
from tests.contracts.audit import KEY, KEYS
from tests.integration.audit.events import account_touched, commit_events, gadget_changed


def chain(engine: Engine, chain_key: ChainKey) -> tuple[list[AuditEntry], ChainHead | None]:
    with SqlAuditUnitOfWork(engine, read_only=True) as uow:
        return list(uow.entries.chain(chain_key)), uow.entries.head(chain_key)


def test_committed_events_become_entries_with_the_acting_context(engine: Engine) -> None:
    org_id, user_id = uuid.uuid4(), uuid.uuid4()
    when = datetime(2026, 11, 22, 10, 0, 0, 250_000, tzinfo=UTC)
    event = gadget_changed(
        org_id,
        occurred_at=when,
        changes={"name": ("Old", "New"), "api_token": ("t1", "t2"), "due_at": (None, when)},
    )
    acting = Acting(
        actor_type=ActorType.USER,
        actor_id=user_id,
        ip="203.0.113.7",
        user_agent="pytest",
        request_id="req-42",
    )
    with acting_as(acting):
        commit_events(engine, [event])
    [entry], head = chain(engine, ChainKey.org(org_id))
    assert (entry.seq, entry.occurred_at, entry.actor_type, entry.actor_id) == (
        1,
        when,
        ActorType.USER,
        user_id,
    )
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "gadget.changed",
        "gadget",
        event.gadget_id,
    )
    assert entry.changes == {
        "name": ("Old", "New"),
        "api_token": ("[redacted]", "[redacted]"),
        "due_at": (None, "2026-11-22T10:00:00.250000Z"),
    }
    assert (entry.ip, entry.user_agent, entry.request_id) == ("203.0.113.7", "pytest", "req-42")
    assert verify_chain([entry], KEYS, head=head).valid


def test_account_events_go_to_the_users_log_attributed_to_that_user(engine: Engine) -> None:
    user_id = uuid.uuid4()
    with acting_as(Acting(actor_type=ActorType.USER, ip="198.51.100.4")):
        commit_events(engine, [account_touched(user_id, action="user.sign_in_failed")])
    [entry], _ = chain(engine, ChainKey.user(user_id))
    assert (entry.action, entry.actor_id, entry.ip) == (
        "user.sign_in_failed",
        user_id,
        "198.51.100.4",
    )


def test_without_a_bound_actor_the_system_acted(engine: Engine) -> None:
    org_id = uuid.uuid4()
    commit_events(engine, [gadget_changed(org_id)])
    [entry], _ = chain(engine, ChainKey.org(org_id))
    assert (entry.actor_type, entry.actor_id, entry.ip) == (ActorType.SYSTEM, None, None)


def test_commits_extend_the_chain(engine: Engine) -> None:
    org_id, user_id = uuid.uuid4(), uuid.uuid4()
    commit_events(engine, [gadget_changed(org_id), account_touched(user_id)])
    commit_events(engine, [gadget_changed(org_id), gadget_changed(org_id)])
    entries, head = chain(engine, ChainKey.org(org_id))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert head is not None
    assert head.seq == 3
    assert verify_chain(entries, KEYS, head=head) == (True, 3, None)
    assert [e.seq for e in chain(engine, ChainKey.user(user_id))[0]] == [1]


def test_entries_roll_back_with_the_change_they_describe(engine: Engine) -> None:
    org_id = uuid.uuid4()
    writer = SqlAuditWriter(acting=ContextActingSource(), keys=FakeChainKeys(KEY))

    class Failing(Exception):
        pass

    class FailingAfterSinks(SqlUnitOfWork):
        def commit(self) -> None:
            events = self.collect_events()
            writer.write(self.connection, events)
            raise Failing()

    with FailingAfterSinks(engine) as uow:
        uow.record(gadget_changed(org_id))
        with pytest.raises(Failing):
            uow.commit()
    assert chain(engine, ChainKey.org(org_id)) == ([], None)
    commit_events(engine, [gadget_changed(org_id)], writer)
    assert [e.seq for e in chain(engine, ChainKey.org(org_id))[0]] == [1]


def test_rows_are_what_the_api_promises(engine: Engine) -> None:
    org_id = uuid.uuid4()
    commit_events(engine, [gadget_changed(org_id, changes={"n": (1, 2)})])
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(audit_entries).where(audit_entries.c.chain_key == f"org:{org_id}")
        ).one()
        head = connection.execute(
            sa.select(audit_chain_heads).where(audit_chain_heads.c.chain_key == f"org:{org_id}")
        ).one()
    assert row.changes == {"n": [1, 2]}
    assert (head.seq, head.hash) == (1, row.hash)
