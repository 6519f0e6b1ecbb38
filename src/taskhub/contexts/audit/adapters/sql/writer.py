"""Writes audit entries for committed events, in the committing transaction."""

from collections.abc import Sequence

import sqlalchemy as sa

from taskhub.shared_kernel.acting import ActingSource
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.events import DomainEvent


class SqlAuditWriter:
    def __init__(self, *, acting: ActingSource, clock: Clock) -> None:
        self._acting = acting
        self._clock = clock

    def write(self, connection: sa.Connection, events: Sequence[DomainEvent]) -> None:
        """Append one entry per audited event to its organization's or user's chain."""
