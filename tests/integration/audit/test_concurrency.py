"""Concurrent writers to one chain queue on its head: no fork, no gap, no duplicate."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine

from taskhub.contexts.audit.adapters.sql.unit_of_work import SqlAuditUnitOfWork
from taskhub.contexts.audit.adapters.sql.writer import SqlAuditWriter
from taskhub.contexts.audit.application.testing.fakes import FakeChainKeys
from taskhub.contexts.audit.domain.chain import verify_chain
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.platform.acting import ContextActingSource, acting_as
from taskhub.shared_kernel.acting import Acting, ActorType
from tests.contracts.audit import KEY, KEYS
from tests.integration.audit.events import commit_events, gadget_changed

WRITERS = 8
APPENDS = 10


def test_concurrent_appends_to_one_chain_stay_one_chain(engine: Engine) -> None:
    org_id = uuid.uuid4()
    writer = SqlAuditWriter(acting=ContextActingSource(), keys=FakeChainKeys(KEY))
    barrier = threading.Barrier(WRITERS)

    def append(n: int) -> None:
        barrier.wait()
        with acting_as(Acting(actor_type=ActorType.USER, actor_id=uuid.UUID(int=n + 1))):
            for step in range(APPENDS):
                event = gadget_changed(org_id, changes={"step": (n, step)})
                commit_events(engine, [event], writer)

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(append, range(WRITERS)))

    with SqlAuditUnitOfWork(engine, read_only=True) as uow:
        chain_key = ChainKey.org(org_id)
        entries = list(uow.entries.chain(chain_key))
        head = uow.entries.head(chain_key)
    assert [e.seq for e in entries] == list(range(1, WRITERS * APPENDS + 1))
    assert verify_chain(entries, KEYS, head=head) == (True, WRITERS * APPENDS, None)
    written = sorted(tuple(e.changes["step"]) for e in entries)
    assert written == sorted((n, step) for n in range(WRITERS) for step in range(APPENDS))
