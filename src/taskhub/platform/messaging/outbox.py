"""The outbox writer: integration events become rows in the committing transaction.

Writing the event in the same transaction as the change is what makes "never lost"
possible: either both commit or neither does. Publishing happens later, from the
rows, by the relay.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from taskhub.platform.messaging.tables import outbox
from taskhub.shared_kernel.events import DomainEvent


class OutboxWriter:
    def write(self, connection: sa.Connection, events: Sequence[DomainEvent]) -> None:
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
                }
            )
        if rows:
            connection.execute(outbox.insert(), rows)
