"""Attempting due deliveries: sign, send, and decide what the answer means.

Claims are leases: a dispatcher that dies mid-attempt leaves its deliveries to be
claimed again when the lease runs out, so no pending retry is ever lost and several
dispatchers can share the work.
"""

import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from taskhub.contexts.integrations.application.attempt_queue import AttemptQueue
from taskhub.contexts.integrations.application.ports import (
    AttemptResult,
    IntegrationsUnitOfWork,
    WebhookSender,
)
from taskhub.contexts.integrations.application.targets import TargetPolicy
from taskhub.contexts.integrations.domain.delivery import Delivery, DeliveryStatus, Verdict, verdict
from taskhub.contexts.integrations.domain.schedule import next_attempt
from taskhub.contexts.integrations.domain.signing import headers
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

LEASE = timedelta(seconds=60)
MAX_PARALLEL_ATTEMPTS = 16
ERROR_LIMIT = 500


class Dispatcher:
    """Attempts due deliveries a batch at a time.

    Per batch: one transaction claims the deliveries and loads their webhooks, the
    attempts run side by side, and one transaction records every outcome (a webhook
    row is written only when its failing state changes or it is disabled).
    """

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[IntegrationsUnitOfWork],
        sender: WebhookSender,
        targets: TargetPolicy,
        clock: Clock,
        schedule: Sequence[int],
        batch_size: int = 200,
        encode: Callable[[dict[str, Any]], bytes],
    ) -> None:
        self._uow = uow
        self._sender = sender
        self._targets = targets
        self._clock = clock
        self._schedule = tuple(schedule)
        self._batch_size = batch_size
        self._encode = encode
        self._pool: ThreadPoolExecutor | None = None

    def run_once(self) -> int:
        """Attempt the deliveries due now, side by side; returns how many were attempted.

        Concurrently, so one receiver that stalls for its full timeout holds up nobody
        else and the batch ends well inside its lease. Order per entity is kept: only the
        oldest unfinished delivery of each webhook and entity is ever claimed.
        """
        now = self._clock.now()
        with self._uow() as uow:
            due = uow.deliveries.claim_due(now, now + LEASE, self._batch_size)
            webhooks = uow.webhooks.get_many({(d.org_id, d.webhook_id) for d in due}) if due else {}
            uow.commit()
        if not due:
            return 0
        attempts: list[tuple[Delivery, AttemptResult | None]] = []
        sendable: list[tuple[Delivery, Webhook]] = []
        for delivery in due:
            webhook = webhooks.get(delivery.webhook_id)
            if webhook is None or webhook.deleted_at is not None or not webhook.active:
                attempts.append((delivery, None))
            else:
                sendable.append((delivery, webhook))
        if len(sendable) == 1:
            attempts.append((sendable[0][0], self._attempt(*sendable[0])))
        elif sendable:
            attempts.extend(self._attempt_side_by_side(AttemptQueue(sendable)))
        self._record(attempts)
        return len(due)

    def _attempt_side_by_side(
        self, queue: AttemptQueue
    ) -> list[tuple[Delivery, AttemptResult | None]]:
        """Each pool thread takes the next delivery as soon as it is free, so a stalled
        receiver holds one thread, never the deliveries queued behind it; the queue
        keeps a webhook that answered 410 from getting anything more."""

        def take_and_attempt() -> list[tuple[Delivery, AttemptResult | None]]:
            done: list[tuple[Delivery, AttemptResult | None]] = []
            while (pair := queue.take()) is not None:
                result: AttemptResult | None = None
                try:
                    result = self._attempt(*pair)
                finally:
                    gone = result is not None and verdict(result.status) is Verdict.GONE
                    queue.answered(pair[1], gone=gone)
                done.append((pair[0], result))
            return done

        pool = self._executor()
        workers = [
            pool.submit(take_and_attempt) for _ in range(min(queue.size, MAX_PARALLEL_ATTEMPTS))
        ]
        attempted = [attempt for worker in workers for attempt in worker.result()]
        return attempted + [(delivery, None) for delivery in queue.skipped()]

    def close(self) -> None:
        """Let the attempt threads go (they are started on the first concurrent batch)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=MAX_PARALLEL_ATTEMPTS, thread_name_prefix="webhook-attempt"
            )
        return self._pool

    def _attempt(self, delivery: Delivery, webhook: Webhook) -> AttemptResult:
        body = self._encode(delivery.payload)
        return self._send(webhook, delivery, body)

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
        sent = {**signed, "user-agent": "taskhub-webhooks/1"}
        if delivery.trace_context:
            # W3C Trace Context: the receiver may join the trace of the change.
            sent["traceparent"] = delivery.trace_context
        return self._sender.send(target, addresses, sent, body)

    def _record(self, attempts: Sequence[tuple[Delivery, AttemptResult | None]]) -> None:
        """Every outcome of a batch in one transaction; `None` means not attempted (the
        webhook is gone or inactive) and fails the delivery."""
        now = self._clock.now()
        with self._uow() as uow:
            # Locked: an admin's change meanwhile is read, not overwritten.
            webhooks = uow.webhooks.get_many(
                {(d.org_id, d.webhook_id) for d, _r in attempts}, for_update=True
            )
            before = {w.id: (w.failing_since, w.active) for w in webhooks.values()}
            to_disable: dict[uuid.UUID, str] = {}
            for delivery, result in attempts:
                webhook = webhooks.get(delivery.webhook_id)
                if result is None or webhook is None:
                    delivery.status = DeliveryStatus.FAILED
                    delivery.next_attempt_at = None
                    delivery.last_error = "the webhook is not active"
                    delivery.updated_at = now
                    continue
                reason = self._apply(delivery, webhook, result, now)
                if reason is not None and webhook.active:
                    to_disable.setdefault(webhook.id, reason)
            uow.deliveries.update_all([d for d, _r in attempts])
            for webhook_id, reason in to_disable.items():
                self._disable(uow, webhooks[webhook_id], reason)
            for webhook in webhooks.values():
                if (webhook.failing_since, webhook.active) != before[webhook.id]:
                    uow.webhooks.update(webhook)
            uow.commit()

    def _apply(
        self, delivery: Delivery, webhook: Webhook, result: AttemptResult, now: datetime
    ) -> str | None:
        """Note an attempt's outcome on the delivery and its webhook; returns why the
        webhook must be disabled, if it must."""
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
            return None
        retry_after = result.retry_after if result.status in (429, 503) else None
        following = next_attempt(self._schedule, delivery.attempts, now, retry_after=retry_after)
        if outcome is Verdict.GONE or following is None:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = following
        worn_out = webhook.failed(now)
        if outcome is Verdict.GONE:
            return "the receiver answered 410 Gone"
        if worn_out:
            return "every delivery failed for 5 days"
        return None

    def _disable(self, uow: IntegrationsUnitOfWork, webhook: Webhook, reason: str) -> None:
        now = self._clock.now()
        webhook.disable(reason, now)
        uow.deliveries.fail_unfinished(
            webhook.org_id, webhook.id, f"the webhook was disabled: {reason}", now
        )
        uow.track(webhook)


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
