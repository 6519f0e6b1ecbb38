"""The event sink every unit of work commits through: audit entries, same transaction."""

from collections.abc import Sequence

import sqlalchemy as sa

from taskhub.contexts.audit.adapters.sql.repositories import SqlAuditEntryRepository
from taskhub.contexts.audit.application.entries_from_events import record_events
from taskhub.contexts.audit.application.ports import ChainKeys
from taskhub.shared_kernel.acting import ActingSource
from taskhub.shared_kernel.events import DomainEvent


class SqlAuditWriter:
    """Appends one entry per audited event to its organization's or user's chain,
    linked with the current chain key.

    It writes on the committing connection, before COMMIT: the entries commit or roll
    back with the change they describe, and the chain heads stay locked until then.
    """

    def __init__(self, *, acting: ActingSource, keys: ChainKeys) -> None:
        self._acting = acting
        self._keys = keys

    def write(self, connection: sa.Connection, events: Sequence[DomainEvent]) -> None:
        record_events(
            SqlAuditEntryRepository(connection),
            events,
            self._acting.current(),
            self._keys.current(),
        )
