"""The delivery log and manual redelivery."""

import uuid
from collections.abc import Callable

from taskhub.contexts.integrations.application.ports import (
    IntegrationsUnitOfWork,
)
from taskhub.contexts.integrations.application.webhooks import webhook_not_found
from taskhub.contexts.integrations.domain.delivery import Delivery, DeliveryStatus
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import Conflict, NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


class DeliveryLog:
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

    def page(self, actor: Actor, webhook_id: uuid.UUID, page: PageRequest) -> Page[Delivery]:
        with self._uow(read_only=True) as uow:
            if uow.webhooks.get(actor.org_id, webhook_id) is None:
                raise webhook_not_found()
            return uow.deliveries.page(actor.org_id, webhook_id, page)

    def redeliver(self, actor: Actor, webhook_id: uuid.UUID, delivery_id: uuid.UUID) -> Delivery:
        """Attempt a delivery again now. Its attempts keep counting, so if this one fails too
        the retries pick up where the schedule left off (none, once it is used up)."""
        with self._uow() as uow:
            webhook = uow.webhooks.get(actor.org_id, webhook_id)
            if webhook is None:
                raise webhook_not_found()
            if not webhook.active:
                raise Conflict(
                    "The webhook is not active; activate it first.", code="webhook_inactive"
                )
            delivery = uow.deliveries.get(actor.org_id, webhook_id, delivery_id)
            if delivery is None:
                raise NotFound("The delivery was not found.")
            now = self._clock.now()
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = now
            delivery.updated_at = now
            uow.deliveries.update(delivery)
            uow.commit()
        if self._wake is not None:
            self._wake()
        return delivery
