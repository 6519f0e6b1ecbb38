"""Deliveries: one per event and webhook, attempted until it succeeds or the schedule ends."""

import enum
import uuid
from datetime import datetime
from typing import Any

import attrs

from taskhub.shared_kernel.ids import new_id


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Verdict(enum.Enum):
    """What an attempt's outcome means for the delivery and its webhook."""

    SUCCESS = "success"
    RETRY = "retry"
    GONE = "gone"


def verdict(status: int | None) -> Verdict:
    """2xx succeeds; 410 Gone disables the webhook; anything else (redirects included,
    since they are never followed, and no answer at all) is tried again."""
    if status is not None and 200 <= status < 300:
        return Verdict.SUCCESS
    if status == 410:
        return Verdict.GONE
    return Verdict.RETRY


@attrs.define(kw_only=True)
class Delivery:
    id: uuid.UUID
    webhook_id: uuid.UUID
    org_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    ordering_key: str
    position: int
    payload: dict[str, Any]
    status: DeliveryStatus
    attempts: int
    response_status: int | None
    duration_ms: int | None
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    # The trace context of the change that caused the event, opaque here: the webhook
    # request carries it on, so the partner's receiver can join the trace (ADR 0037).
    trace_context: str | None = None

    @classmethod
    def schedule(
        cls,
        *,
        webhook_id: uuid.UUID,
        org_id: uuid.UUID,
        event_id: uuid.UUID,
        event_type: str,
        ordering_key: str,
        position: int,
        payload: dict[str, Any],
        now: datetime,
        trace_context: str | None = None,
    ) -> "Delivery":
        return cls(
            id=new_id(),
            webhook_id=webhook_id,
            org_id=org_id,
            event_id=event_id,
            event_type=event_type,
            ordering_key=ordering_key,
            position=position,
            payload=payload,
            status=DeliveryStatus.PENDING,
            attempts=0,
            response_status=None,
            duration_ms=None,
            next_attempt_at=now,
            last_error=None,
            created_at=now,
            updated_at=now,
            trace_context=trace_context,
        )
