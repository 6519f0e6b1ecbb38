"""Domain events: facts that aggregates record and the unit of work hands on after commit."""

import uuid
from datetime import datetime

import attrs


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base class; subclasses add the fields that describe what happened."""

    event_id: uuid.UUID
    occurred_at: datetime


@attrs.define
class EventRecorder:
    """Mixed into aggregates so they can record events while enforcing their rules."""

    _pending_events: list[DomainEvent] = attrs.field(factory=list, init=False, repr=False)

    def record(self, event: DomainEvent) -> None:
        self._pending_events.append(event)

    def pull_events(self) -> list[DomainEvent]:
        events, self._pending_events = self._pending_events, []
        return events
