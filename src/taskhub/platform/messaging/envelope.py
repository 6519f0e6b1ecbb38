"""The message on the wire: an integration event as JSON, the same on every transport."""

import uuid
from datetime import datetime
from typing import Any

import attrs


@attrs.frozen
class Envelope:
    """A published event as subscribers receive it; `position` orders it among all events.

    `actor_id` is the user whose request made the change (None for the system and for
    API keys): what subscribers need to leave the actor out of reactions to their own
    change. It travels beside `data`, which stays the resource as partners see it.
    `traceparent` is the W3C trace context of the request that made the change, when it
    was traced: consumers continue that trace (ADR 0037).
    """

    event_id: uuid.UUID
    type: str
    org_id: uuid.UUID
    occurred_at: datetime
    ordering_key: str
    data: dict[str, Any]
    position: int
    actor_id: uuid.UUID | None = None
    traceparent: str | None = None

    def body(self) -> dict[str, Any]:
        return {
            "id": str(self.event_id),
            "type": self.type,
            "org_id": str(self.org_id),
            "occurred_at": self.occurred_at.isoformat().replace("+00:00", "Z"),
            "ordering_key": self.ordering_key,
            "position": self.position,
            "data": self.data,
            "actor_id": None if self.actor_id is None else str(self.actor_id),
            "traceparent": self.traceparent,
        }

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> "Envelope":
        return cls(
            event_id=uuid.UUID(body["id"]),
            type=body["type"],
            org_id=uuid.UUID(body["org_id"]),
            occurred_at=datetime.fromisoformat(body["occurred_at"].replace("Z", "+00:00")),
            ordering_key=body["ordering_key"],
            data=dict(body["data"]),
            position=int(body["position"]),
            actor_id=uuid.UUID(actor) if (actor := body.get("actor_id")) else None,
            traceparent=trace if isinstance(trace := body.get("traceparent"), str) else None,
        )
