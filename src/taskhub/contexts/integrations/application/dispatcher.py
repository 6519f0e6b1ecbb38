"""Attempting due deliveries: sign, send, and decide what the answer means.

Claims are leases: a dispatcher that dies mid-attempt leaves its deliveries to be
claimed again when the lease runs out, so no pending retry is ever lost and several
dispatchers can share the work.
"""

import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from taskhub.contexts.integrations.application.ports import (
    AttemptResult,
    IntegrationsUnitOfWork,
    UnitOfWorkFactory,
    WebhookSender,
)
from taskhub.contexts.integrations.application.targets import TargetPolicy
from taskhub.contexts.integrations.domain.delivery import Delivery, DeliveryStatus, Verdict, verdict
from taskhub.contexts.integrations.domain.events import WebhookDisabled
from taskhub.contexts.integrations.domain.schedule import next_attempt
from taskhub.contexts.integrations.domain.signing import headers
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.ids import new_id

LEASE = timedelta(seconds=60)
MAX_PARALLEL_ATTEMPTS = 16
ERROR_LIMIT = 500


class Dispatcher:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        sender: WebhookSender,
        targets: TargetPolicy,
        clock: Clock,
        schedule: Sequence[int],
        batch_size: int = 20,
        encode: Callable[[dict[str, Any]], bytes],
    ) -> None:
        self._uow = uow
        self._sender = sender
        self._targets = targets
        self._clock = clock
        self._schedule = tuple(schedule)
        self._batch_size = batch_size
        self._encode = encode

    def run_once(self) -> int:
        """Attempt the deliveries due now, side by side; returns how many were attempted.

        Concurrently, so one receiver that stalls for its full timeout holds up nobody
        else and the batch ends well inside its lease. Order per entity is kept: only the
        oldest unfinished delivery of each webhook and entity is ever claimed.
        """
        now = self._clock.now()
        with self._uow() as uow:
            due = uow.deliveries.claim_due(now, now + LEASE, self._batch_size)
            uow.commit()
        if len(due) == 1:
            self._attempt(due[0])
        elif due:
            with ThreadPoolExecutor(max_workers=min(len(due), MAX_PARALLEL_ATTEMPTS)) as pool:
                list(pool.map(self._attempt, due))
        return len(due)

    def _attempt(self, delivery: Delivery) -> None:
        with self._uow(read_only=True) as uow:
            webhook = uow.webhooks.get_any(delivery.webhook_id)
        if webhook is None or webhook.deleted_at is not None or not webhook.active:
            self._give_up(delivery, "the webhook is not active")
            return
        body = self._encode(delivery.payload)
        result = self._send(webhook, delivery, body)
        self._record(delivery.id, webhook.id, result)

    def _send(self, webhook: Webhook, delivery: Delivery, body: bytes) -> AttemptResult:
        started = time.monotonic()
        try:
            target, addresses = self._targets.check(webhook.url)
        except ValidationFailed as exc:
            # Checked again at delivery: DNS may have moved the name somewhere refused.
            message = exc.errors[0].message if exc.errors else "the target is refused"
            return AttemptResult(status=None, duration_ms=_since(started), error=message)
        signed = headers(
            webhook.signing_secrets(self._clock.now()),
            str(delivery.event_id),
            int(self._clock.now().timestamp()),
            body,
        )
        return self._sender.send(
            target, addresses, {**signed, "user-agent": "taskhub-webhooks/1"}, body
        )

    def _record(self, delivery_id: uuid.UUID, webhook_id: uuid.UUID, result: AttemptResult) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            delivery = uow.deliveries.get(webhook_id, delivery_id)
            webhook = uow.webhooks.get_any(webhook_id)
            if delivery is None or webhook is None:
                return
            delivery.attempts += 1
            delivery.response_status = result.status
            delivery.duration_ms = result.duration_ms
            delivery.last_error = (result.error or "")[:ERROR_LIMIT] or None
            delivery.updated_at = now
            outcome = verdict(result.status)
            if outcome is Verdict.SUCCESS:
                delivery.status = DeliveryStatus.SUCCEEDED
                delivery.next_attempt_at = None
                webhook.delivered()
            else:
                retry_after = result.retry_after if result.status in (429, 503) else None
                following = next_attempt(
                    self._schedule, delivery.attempts, now, retry_after=retry_after
                )
                if outcome is Verdict.GONE or following is None:
                    delivery.status = DeliveryStatus.FAILED
                    delivery.next_attempt_at = None
                else:
                    delivery.status = DeliveryStatus.RETRYING
                    delivery.next_attempt_at = following
                worn_out = webhook.failed(now)
                if outcome is Verdict.GONE or worn_out:
                    reason = (
                        "the receiver answered 410 Gone"
                        if outcome is Verdict.GONE
                        else ("every delivery failed for 5 days")
                    )
                    self._disable(uow, webhook, reason)
            uow.deliveries.update(delivery)
            uow.webhooks.update(webhook)
            uow.commit()

    def _disable(self, uow: IntegrationsUnitOfWork, webhook: Webhook, reason: str) -> None:
        now = self._clock.now()
        webhook.disable(now)
        uow.deliveries.fail_unfinished(webhook.id, f"the webhook was disabled: {reason}", now)
        uow.record(
            WebhookDisabled(
                event_id=new_id(),
                occurred_at=now,
                org_id=webhook.org_id,
                webhook_id=webhook.id,
                action="webhook.disabled",
                changes={"active": (True, False)},
                reason=reason,
                url=webhook.url,
            )
        )

    def _give_up(self, delivery: Delivery, reason: str) -> None:
        with self._uow() as uow:
            current = uow.deliveries.get(delivery.webhook_id, delivery.id)
            if current is None:
                return
            current.status = DeliveryStatus.FAILED
            current.next_attempt_at = None
            current.last_error = reason
            current.updated_at = self._clock.now()
            uow.deliveries.update(current)
            uow.commit()


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
