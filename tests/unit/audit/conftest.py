"""Audit's use cases wired to fakes, as the composition root wires the real adapters."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from taskhub.contexts.audit.application.entries_from_events import record_events
from taskhub.contexts.audit.application.history import AuditEntityHistory
from taskhub.contexts.audit.application.queries import AuditLogQueries
from taskhub.contexts.audit.application.testing.fakes import (
    AuditStore,
    FakeAuditUnitOfWork,
    FakeChainKeys,
)
from taskhub.contexts.audit.domain.entry import AuditEntry
from taskhub.shared_kernel.acting import Acting, ActorType
from taskhub.shared_kernel.events import AuditFacts, DomainEvent
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.contracts.audit import KEY

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@attrs.frozen(kw_only=True)
class WidgetRenamed(DomainEvent):
    """A synthetic org event: audited in the org's log."""

    org_id: uuid.UUID
    widget_id: uuid.UUID
    old: str
    new: str

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action="widget.renamed",
            entity_type="widget",
            entity_id=self.widget_id,
            org_id=self.org_id,
            changes={"name": (self.old, self.new)},
        )


@attrs.frozen(kw_only=True)
class SignedIn(DomainEvent):
    """A synthetic account event: audited in the user's security log."""

    user_id: uuid.UUID

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action="user.signed_in",
            entity_type="user",
            entity_id=self.user_id,
            user_id=self.user_id,
        )


@attrs.frozen(kw_only=True)
class Unaudited(DomainEvent):
    pass


@attrs.define
class Audit:
    store: AuditStore
    log: AuditLogQueries
    history: AuditEntityHistory
    keys: FakeChainKeys
    minutes: int = 0

    def uow(self, *, read_only: bool = False) -> FakeAuditUnitOfWork:
        return FakeAuditUnitOfWork(self.store)

    def at(self) -> datetime:
        """A later time on every call."""
        self.minutes += 1
        return START + timedelta(minutes=self.minutes)

    def record(
        self, events: Sequence[DomainEvent], acting: Acting | None = None
    ) -> list[AuditEntry]:
        with self.uow() as uow:
            entries = record_events(uow.entries, events, acting or Acting(), self.keys.current())
            uow.commit()
        return entries

    def renamed(
        self, org_id: uuid.UUID, widget_id: uuid.UUID | None = None, **kw: Any
    ) -> WidgetRenamed:
        return WidgetRenamed(
            event_id=uuid.uuid4(),
            occurred_at=kw.pop("occurred_at", None) or self.at(),
            org_id=org_id,
            widget_id=widget_id or uuid.uuid4(),
            old=kw.pop("old", "Old"),
            new=kw.pop("new", "New"),
        )

    def signed_in(self, user_id: uuid.UUID) -> SignedIn:
        return SignedIn(event_id=uuid.uuid4(), occurred_at=self.at(), user_id=user_id)


def actor(org_id: uuid.UUID, role: Role, user_id: uuid.UUID | None = None) -> Actor:
    principal = Principal(kind=PrincipalKind.USER, user_id=user_id or uuid.uuid4())
    return Actor(principal=principal, org_id=org_id, role=role)


def as_user(user_id: uuid.UUID | None = None, **kw: Any) -> Acting:
    return Acting(actor_type=ActorType.USER, actor_id=user_id, **kw)


@pytest.fixture
def audit() -> Audit:
    store = AuditStore()

    def uow(*, read_only: bool = False) -> FakeAuditUnitOfWork:
        return FakeAuditUnitOfWork(store)

    keys = FakeChainKeys(KEY)
    return Audit(
        store=store,
        log=AuditLogQueries(uow=uow, keys=keys),
        history=AuditEntityHistory(uow=uow),
        keys=keys,
    )
