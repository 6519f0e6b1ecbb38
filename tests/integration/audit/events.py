"""Synthetic audited events, and a unit of work that commits them through the audit writer.

The audit tests make their own events rather than depend on what other contexts emit.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
from sqlalchemy.engine import Engine

from taskhub.contexts.audit.adapters.sql.writer import SqlAuditWriter
from taskhub.contexts.audit.application.testing.fakes import FakeChainKeys
from taskhub.platform.acting import ContextActingSource
from taskhub.platform.unit_of_work import EventSink, SqlUnitOfWork
from taskhub.shared_kernel.events import AuditFacts, DomainEvent
from tests.contracts.audit import KEY


@attrs.frozen(kw_only=True)
class GadgetChanged(DomainEvent):
    """An org event."""

    org_id: uuid.UUID
    gadget_id: uuid.UUID
    action: str = "gadget.changed"
    entity_type: str = "gadget"
    changes: dict[str, tuple[Any, Any]] = attrs.field(factory=dict)

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action=self.action,
            entity_type=self.entity_type,
            entity_id=self.gadget_id,
            org_id=self.org_id,
            changes=self.changes,
        )


@attrs.frozen(kw_only=True)
class AccountTouched(DomainEvent):
    """An account event, for the user's security log."""

    user_id: uuid.UUID
    action: str = "user.signed_in"

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action=self.action, entity_type="user", entity_id=self.user_id, user_id=self.user_id
        )


def gadget_changed(org_id: uuid.UUID, **kw: Any) -> GadgetChanged:
    return GadgetChanged(
        event_id=uuid.uuid4(),
        occurred_at=kw.pop("occurred_at", None) or datetime.now(UTC),
        org_id=org_id,
        gadget_id=kw.pop("gadget_id", None) or uuid.uuid4(),
        **kw,
    )


def account_touched(user_id: uuid.UUID, **kw: Any) -> AccountTouched:
    return AccountTouched(
        event_id=uuid.uuid4(),
        occurred_at=kw.pop("occurred_at", None) or datetime.now(UTC),
        user_id=user_id,
        **kw,
    )


def commit_events(
    engine: Engine, events: Sequence[DomainEvent], writer: EventSink | None = None
) -> None:
    """One unit of work that records `events` and commits, as any context's would."""
    sink = writer or SqlAuditWriter(acting=ContextActingSource(), keys=FakeChainKeys(KEY))
    with SqlUnitOfWork(engine, sinks=[sink]) as uow:
        uow.record(*events)
        uow.commit()
