"""Deliveries on SQL: scheduled once per webhook and event, claimed by lease, and held
back while an earlier event of their entity is still on its way to the fan-out."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from taskhub.contexts.integrations.adapters.sql.tables import deliveries
from taskhub.contexts.integrations.domain.delivery import Delivery, DeliveryStatus
from taskhub.platform.messaging.tables import consumed_events, outbox
from taskhub.platform.sql_lists import unnested_insert, unnested_rows
from taskhub.platform.sql_pagination import keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest

_UNFINISHED = (DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value)
# The name the fan-out subscribes to the bus under: its consumption records tell which
# events have had their deliveries scheduled.
FAN_OUT_SUBSCRIBER = "webhooks"


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        webhook_id=row.webhook_id,
        org_id=row.org_id,
        event_id=row.event_id,
        event_type=row.event_type,
        ordering_key=row.ordering_key,
        position=row.position,
        payload=row.payload,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        response_status=row.response_status,
        duration_ms=row.duration_ms,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        created_at=row.created_at,
        updated_at=row.updated_at,
        trace_context=row.traceparent,
    )


def _scheduled_values(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "webhook_id": delivery.webhook_id,
        "org_id": delivery.org_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "ordering_key": delivery.ordering_key,
        "position": delivery.position,
        "payload": delivery.payload,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "created_at": delivery.created_at,
        "updated_at": delivery.updated_at,
        "traceparent": delivery.trace_context,
    }


_UNNESTED_COLUMNS = (
    "id",
    "webhook_id",
    "org_id",
    "event_id",
    "event_type",
    "ordering_key",
    "position",
    "payload",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
    "updated_at",
    "traceparent",
)
_ONE_PER_EVENT = ["org_id", "webhook_id", "event_id"]
_INSERT_UNNESTED = (
    unnested_insert(deliveries, _UNNESTED_COLUMNS)
    .on_conflict_do_nothing(index_elements=_ONE_PER_EVENT)
    .returning(deliveries.c.id)
)


_OUTCOME_COLUMNS = (
    "org_id",
    "id",
    "status",
    "attempts",
    "response_status",
    "duration_ms",
    "next_attempt_at",
    "last_error",
    "updated_at",
)
_OUTCOMES = unnested_rows(deliveries, _OUTCOME_COLUMNS)
# PostgreSQL: every outcome of a batch in one statement, joined to its row by id.
_UPDATE_UNNESTED = (
    deliveries.update()
    .where(deliveries.c.org_id == _OUTCOMES.c.org_id, deliveries.c.id == _OUTCOMES.c.id)
    .values(
        {
            **{name: _OUTCOMES.c[name] for name in _OUTCOME_COLUMNS[2:]},
            "leased_until": None,
        }
    )
)


class SqlDeliveryRepository:
    """Deliveries are asked for by their webhook and its organization, which every
    statement names (ADR 0022)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    @staticmethod
    def _of_webhook(org_id: uuid.UUID, webhook_id: uuid.UUID) -> sa.ColumnElement[bool]:
        return sa.and_(deliveries.c.org_id == org_id, deliveries.c.webhook_id == webhook_id)

    def _insert_if_absent(self, rows: list[dict[str, Any]]) -> int:
        if self._connection.dialect.name == "postgresql" and len(rows) > 1:
            return self._insert_unnested(rows)
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        # Many rows go as multi-row INSERTs (SQLAlchemy's "insertmanyvalues").
        result = self._connection.execute(
            dialect.insert(deliveries)
            .on_conflict_do_nothing(index_elements=_ONE_PER_EVENT)
            # RETURNING, not rowcount: psycopg reports -1 for ON CONFLICT DO NOTHING.
            .returning(deliveries.c.id),
            rows,
        )
        return len(result.all())

    def _insert_unnested(self, rows: list[dict[str, Any]]) -> int:
        """PostgreSQL: the rows as one array per column, so the statement is the same
        for any number of rows (a multi-row VALUES list has to be built, sent and
        parsed again for each batch, which costs more than the insert itself)."""
        columns = {name: [row[name] for row in rows] for name in _UNNESTED_COLUMNS}
        result = self._connection.execute(_INSERT_UNNESTED, columns)
        return len(result.all())

    def add_if_absent(self, delivery: Delivery) -> bool:
        return self._insert_if_absent([_scheduled_values(delivery)]) == 1

    def add_all_if_absent(self, deliveries_: Sequence[Delivery]) -> int:
        if not deliveries_:
            return 0
        # In key order, so two consumers adding overlapping batches cannot deadlock.
        ordered = sorted(deliveries_, key=lambda d: (d.webhook_id, d.event_id))
        return self._insert_if_absent([_scheduled_values(d) for d in ordered])

    def get(
        self, org_id: uuid.UUID, webhook_id: uuid.UUID, delivery_id: uuid.UUID
    ) -> Delivery | None:
        row = self._connection.execute(
            sa.select(deliveries).where(
                self._of_webhook(org_id, webhook_id), deliveries.c.id == delivery_id
            )
        ).first()
        return _delivery(row) if row else None

    def update(self, delivery: Delivery) -> None:
        self.update_all([delivery])

    def update_all(self, deliveries_: Sequence[Delivery]) -> None:
        if not deliveries_:
            return
        if self._connection.dialect.name == "postgresql" and len(deliveries_) > 1:
            ordered = sorted(deliveries_, key=lambda d: d.id)  # rows locked in key order
            self._connection.execute(
                _UPDATE_UNNESTED,
                {
                    "new_org_id": [d.org_id for d in ordered],
                    "new_id": [d.id for d in ordered],
                    "new_status": [d.status.value for d in ordered],
                    "new_attempts": [d.attempts for d in ordered],
                    "new_response_status": [d.response_status for d in ordered],
                    "new_duration_ms": [d.duration_ms for d in ordered],
                    "new_next_attempt_at": [d.next_attempt_at for d in ordered],
                    "new_last_error": [d.last_error for d in ordered],
                    "new_updated_at": [d.updated_at for d in ordered],
                },
            )
            return
        statement = (
            deliveries.update()
            .where(
                deliveries.c.org_id == sa.bindparam("delivery_org_id"),
                deliveries.c.id == sa.bindparam("delivery_id"),
            )
            .values(
                status=sa.bindparam("new_status"),
                attempts=sa.bindparam("new_attempts"),
                response_status=sa.bindparam("new_response_status"),
                duration_ms=sa.bindparam("new_duration_ms"),
                next_attempt_at=sa.bindparam("new_next_attempt_at"),
                leased_until=None,
                last_error=sa.bindparam("new_last_error"),
                updated_at=sa.bindparam("new_updated_at"),
            )
        )
        self._connection.execute(
            statement,
            [
                {
                    "delivery_org_id": d.org_id,
                    "delivery_id": d.id,
                    "new_status": d.status.value,
                    "new_attempts": d.attempts,
                    "new_response_status": d.response_status,
                    "new_duration_ms": d.duration_ms,
                    "new_next_attempt_at": d.next_attempt_at,
                    "new_last_error": d.last_error,
                    "new_updated_at": d.updated_at,
                }
                for d in deliveries_
            ],
        )

    def page(self, org_id: uuid.UUID, webhook_id: uuid.UUID, page: PageRequest) -> Page[Delivery]:
        query = sa.select(deliveries).where(self._of_webhook(org_id, webhook_id))
        return keyset_page(
            self._connection,
            query,
            [deliveries.c.created_at, deliveries.c.id],
            page,
            _delivery,
            descending=True,
        )

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Delivery]:
        earlier = deliveries.alias("earlier")
        blocked = (
            sa.select(earlier.c.id)
            .where(
                earlier.c.org_id == deliveries.c.org_id,
                earlier.c.webhook_id == deliveries.c.webhook_id,
                earlier.c.ordering_key == deliveries.c.ordering_key,
                earlier.c.status.in_(_UNFINISHED),
                sa.or_(
                    earlier.c.position < deliveries.c.position,
                    sa.and_(
                        earlier.c.position == deliveries.c.position,
                        earlier.c.created_at < deliveries.c.created_at,
                    ),
                ),
            )
            .exists()
        )
        # An earlier event of the entity that the fan-out has not consumed yet: its
        # deliveries may not exist yet. The webhooks subscriber takes every event type,
        # so every outbox row is consumed by it in time (or pruned, with its record).
        on_its_way = (
            sa.select(outbox.c.position)
            .where(
                outbox.c.org_id == deliveries.c.org_id,
                outbox.c.ordering_key == deliveries.c.ordering_key,
                outbox.c.position < deliveries.c.position,
                ~sa.exists().where(
                    consumed_events.c.subscriber == FAN_OUT_SUBSCRIBER,
                    consumed_events.c.event_id == outbox.c.event_id,
                ),
            )
            .exists()
        )
        query = (
            sa.select(deliveries)
            .where(
                deliveries.c.status.in_(_UNFINISHED),
                deliveries.c.next_attempt_at <= now,
                sa.or_(deliveries.c.leased_until.is_(None), deliveries.c.leased_until < now),
                ~blocked,
                ~on_its_way,
            )
            .order_by(deliveries.c.next_attempt_at, deliveries.c.position)
            .limit(limit)
        )
        if self._connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=deliveries)
        claimed = [_delivery(row) for row in self._connection.execute(query)]
        if claimed:
            self._connection.execute(
                deliveries.update()
                .where(
                    sa.tuple_(deliveries.c.org_id, deliveries.c.id).in_(
                        [(d.org_id, d.id) for d in claimed]
                    )
                )
                .values(leased_until=lease_until)
            )
        return claimed

    def fail_unfinished(
        self, org_id: uuid.UUID, webhook_id: uuid.UUID, reason: str, now: datetime
    ) -> int:
        result = self._connection.execute(
            deliveries.update()
            .where(self._of_webhook(org_id, webhook_id), deliveries.c.status.in_(_UNFINISHED))
            .values(
                status=DeliveryStatus.FAILED.value,
                next_attempt_at=None,
                leased_until=None,
                last_error=reason[:500],
                updated_at=now,
            )
        )
        return int(result.rowcount)
