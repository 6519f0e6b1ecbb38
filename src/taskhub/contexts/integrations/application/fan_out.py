"""Turning each published event into one delivery per webhook that wants it.

This is a bus subscriber: idempotent by (webhook, event), so seeing an event twice
schedules nothing twice.
"""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from taskhub.contexts.integrations.application.ports import UnitOfWorkFactory
from taskhub.contexts.integrations.domain.delivery import Delivery
from taskhub.shared_kernel.clock import Clock


class FanOut:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
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
        """Schedule the event's deliveries; returns how many were new."""
        now = self._clock.now()
        payload = {
            "type": event_type,
            "timestamp": occurred_at.isoformat().replace("+00:00", "Z"),
            "data": data,
        }
        created = 0
        with self._uow() as uow:
            for webhook in uow.webhooks.active(org_id):
                if not webhook.wants(event_type):
                    continue
                delivery = Delivery.schedule(
                    webhook_id=webhook.id,
                    org_id=org_id,
                    event_id=event_id,
                    event_type=event_type,
                    ordering_key=ordering_key,
                    position=position,
                    payload=payload,
                    now=now,
                )
                created += uow.deliveries.add_if_absent(delivery)
            uow.commit()
        if created and self._wake is not None:
            self._wake()
        return created
