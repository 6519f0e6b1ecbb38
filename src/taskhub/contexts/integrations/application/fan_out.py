"""Turning each published event into one delivery per webhook that wants it.

This is a bus subscriber: idempotent by (webhook, event), so seeing an event twice
schedules nothing twice. The bus hands events over in batches; a batch costs one look
at its organizations' webhooks and one insert, whatever its size.
"""

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.integrations.application.ports import (
    IntegrationsRepositories,
    IntegrationsUnitOfWork,
)
from taskhub.contexts.integrations.domain.delivery import Delivery
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen(kw_only=True)
class ReceivedEvent:
    """A published event as the bus hands it over; `position` orders it among all events."""

    event_id: uuid.UUID
    event_type: str
    org_id: uuid.UUID
    occurred_at: datetime
    ordering_key: str
    position: int
    data: dict[str, Any]
    # The trace context of the change, when it was traced; deliveries carry it on.
    trace_context: str | None = None


class FanOut:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[IntegrationsUnitOfWork],
        clock: Clock,
        wake_dispatcher: Callable[[], None] | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._wake = wake_dispatcher

    def schedule(
        self,
        *,
        event_id: uuid.UUID,
        event_type: str,
        org_id: uuid.UUID,
        occurred_at: datetime,
        ordering_key: str,
        position: int,
        data: dict[str, Any],
    ) -> int:
        """Schedule one event's deliveries in a transaction of its own; returns how many
        were new."""
        event = ReceivedEvent(
            event_id=event_id,
            event_type=event_type,
            org_id=org_id,
            occurred_at=occurred_at,
            ordering_key=ordering_key,
            position=position,
            data=data,
        )
        with self._uow() as uow:
            created = self.schedule_batch(uow, [event])
            uow.commit()
        if created and self._wake is not None:
            self._wake()
        return created

    def schedule_batch(
        self, repositories: IntegrationsRepositories, events: Sequence[ReceivedEvent]
    ) -> int:
        """Schedule the deliveries of `events` in the caller's transaction, which the caller
        commits (and then wakes the dispatcher); returns how many were new."""
        now = self._clock.now()
        webhooks: dict[uuid.UUID, list[Webhook]] = {}
        for webhook in repositories.webhooks.active_in({e.org_id for e in events}):
            webhooks.setdefault(webhook.org_id, []).append(webhook)
        scheduled = [
            Delivery.schedule(
                webhook_id=webhook.id,
                org_id=event.org_id,
                event_id=event.event_id,
                event_type=event.event_type,
                ordering_key=event.ordering_key,
                position=event.position,
                payload={
                    "type": event.event_type,
                    "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
                    "data": event.data,
                },
                now=now,
                trace_context=event.trace_context,
            )
            for event in events
            for webhook in webhooks.get(event.org_id, ())
            if webhook.receives(event.event_type, event.position)
        ]
        return repositories.deliveries.add_all_if_absent(scheduled) if scheduled else 0
