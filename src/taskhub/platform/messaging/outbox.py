"""The outbox writer: integration events become rows in the committing transaction.

Writing the event in the same transaction as the change is what makes "never lost"
possible: either both commit or neither does. Publishing happens later, from the
rows, by the relay.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from taskhub.platform.acting import ContextActingSource
from taskhub.platform.messaging.tables import outbox
from taskhub.platform.sql_lists import unnested_insert
from taskhub.platform.tracing import current_traceparent
from taskhub.shared_kernel.acting import ActingSource, ActorType
from taskhub.shared_kernel.events import DomainEvent

_COLUMNS = (
    "event_id",
    "event_type",
    "org_id",
    "ordering_key",
    "occurred_at",
    "payload",
    "actor_id",
    "traceparent",
)
# Positions are given in the events' order: the relay publishes by position.
_INSERT_UNNESTED = unnested_insert(outbox, _COLUMNS, in_order=True)


class OutboxWriter:
    """Each row also names the acting user (read from the acting context, as the audit
    writer does), so subscribers know whose change it was without the event saying so."""

    def __init__(self, acting: ActingSource | None = None) -> None:
        self._acting = acting or ContextActingSource()

    def write(self, connection: sa.Connection, events: Sequence[DomainEvent]) -> None:
        acting = self._acting.current()
        actor_id = acting.actor_id if acting.actor_type is ActorType.USER else None
        traceparent = current_traceparent()
        rows = []
        for event in events:
            published = event.integration_event()
            if published is None:
                continue
            rows.append(
                {
                    "event_id": published.event_id,
                    "event_type": published.type,
                    "org_id": published.org_id,
                    "ordering_key": published.ordering_key,
                    "occurred_at": published.occurred_at,
                    "payload": dict(published.data),
                    "actor_id": actor_id,
                    "traceparent": traceparent,
                }
            )
        if connection.dialect.name == "postgresql" and len(rows) > 1:
            # One array per column: the statement is the same whatever the number of rows.
            connection.execute(
                _INSERT_UNNESTED, {name: [row[name] for row in rows] for name in _COLUMNS}
            )
        elif rows:
            connection.execute(outbox.insert(), rows)
