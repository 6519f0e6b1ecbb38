"""The event feed read from the outbox, which holds every published event in position
order and is kept for the event retention (ADR 0029). The same adapter serves the
public `OrgEventLog` port the live stream reads (ADR 0033)."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.integrations.domain.feed import FeedEvent
from taskhub.contexts.integrations.public.event_log import PublishedEvent
from taskhub.platform.messaging.tables import outbox
from taskhub.platform.sql_pagination import keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest

_KEYS = (outbox.c.position,)
_COLUMNS = (
    outbox.c.position,
    outbox.c.event_id,
    outbox.c.event_type,
    outbox.c.occurred_at,
    outbox.c.payload,
)


def _event(row: sa.Row[Any]) -> FeedEvent:
    return FeedEvent(
        id=row.event_id, type=row.event_type, occurred_at=row.occurred_at, data=row.payload
    )


class SqlEventLog:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def position_of(self, org_id: uuid.UUID, event_id: uuid.UUID, *, since: datetime) -> int | None:
        query = sa.select(outbox.c.position).where(
            outbox.c.org_id == org_id,
            outbox.c.event_id == event_id,
            outbox.c.occurred_at >= since,
        )
        with self._engine.connect() as connection:
            position = connection.execute(query).scalar_one_or_none()
        return None if position is None else int(position)

    def page(
        self,
        org_id: uuid.UUID,
        page: PageRequest,
        *,
        types: frozenset[str] | None,
        since: datetime,
    ) -> Page[FeedEvent]:
        query = sa.select(*_COLUMNS).where(outbox.c.org_id == org_id, outbox.c.occurred_at >= since)
        if types is not None:
            query = query.where(outbox.c.event_type.in_(sorted(types)))
        with self._engine.connect() as connection:
            return keyset_page(connection, query, _KEYS, page, _event)

    def after(self, org_id: uuid.UUID, position: int, *, limit: int) -> Sequence[PublishedEvent]:
        query = (
            sa.select(*_COLUMNS)
            .where(outbox.c.org_id == org_id, outbox.c.position > position)
            .order_by(outbox.c.position)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            PublishedEvent(
                position=int(row.position),
                id=row.event_id,
                type=row.event_type,
                occurred_at=row.occurred_at,
                data=row.payload,
            )
            for row in rows
        ]

    def latest_position(self, org_id: uuid.UUID) -> int:
        query = sa.select(sa.func.max(outbox.c.position)).where(outbox.c.org_id == org_id)
        with self._engine.connect() as connection:
            latest = connection.execute(query).scalar_one_or_none()
        return 0 if latest is None else int(latest)
