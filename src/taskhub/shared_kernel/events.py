"""Domain events: facts that aggregates and use cases record while enforcing their rules.

When the unit of work commits, every recorded event is handed, in the same database
transaction, to the event sinks: the audit trail asks each event for its `audit_facts`,
the outbox for its `integration_event`. An event that has neither is still useful
inside its own context; nothing outside sees it.
"""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from taskhub.shared_kernel.event_catalogue import event_data


@attrs.frozen(kw_only=True)
class AuditFacts:
    """What an audit entry says about an event, beyond who did it, when and from where.

    `org_id` names the organization whose log receives the entry; account events have
    none and go to the security log of `user_id` instead. `changes` maps a field to
    `(old, new)`; secrets and hashes never belong in it.
    """

    action: str
    entity_type: str
    entity_id: uuid.UUID
    org_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    changes: Mapping[str, tuple[Any, Any]] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class IntegrationEvent:
    """An event published on the bus (`type` is its routing key) for subscribers and partners.

    `ordering_key` groups events that must be delivered in order (the entity's id).
    `data` is JSON-ready: strings, numbers, booleans, lists and objects only.
    """

    event_id: uuid.UUID
    type: str
    org_id: uuid.UUID
    occurred_at: datetime
    ordering_key: str
    data: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base class; subclasses add the fields that describe what happened."""

    event_id: uuid.UUID
    occurred_at: datetime

    def audit_facts(self) -> AuditFacts | None:
        """The audit entry this event makes, if it is audited."""
        return None

    def integration_event(self) -> IntegrationEvent | None:
        """The event this one publishes on the bus, if any."""
        return None


@attrs.frozen(kw_only=True)
class OrgEvent(DomainEvent):
    """Something that happened to one entity of an organization, audited in its log.

    A subclass names its `action` and `entity_type` as class attributes; `changes` maps
    a field to `(old, new)`.
    """

    org_id: uuid.UUID
    entity_id: uuid.UUID
    changes: dict[str, tuple[Any, Any]] = attrs.field(factory=dict)

    action = ""
    entity_type = ""

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action=self.action,
            entity_type=self.entity_type,
            entity_id=self.entity_id,
            org_id=self.org_id,
            changes=self.changes,
        )

    def published(
        self, event_type: str, data: object, *, ordering_key: str | None = None
    ) -> IntegrationEvent:
        """This event as published under `event_type`, its `data` built from an instance
        of the type's catalogued class; in order with the entity's other events unless
        `ordering_key` says otherwise."""
        return IntegrationEvent(
            event_id=self.event_id,
            type=event_type,
            org_id=self.org_id,
            occurred_at=self.occurred_at,
            ordering_key=ordering_key or str(self.entity_id),
            data=event_data(data),
        )


@attrs.define
class EventRecorder:
    """Mixed into aggregates so they can record events while enforcing their rules."""

    _pending_events: list[DomainEvent] = attrs.field(factory=list, init=False, repr=False)

    def record(self, event: DomainEvent) -> None:
        self._pending_events.append(event)

    def pull_events(self) -> list[DomainEvent]:
        events, self._pending_events = self._pending_events, []
        return events
