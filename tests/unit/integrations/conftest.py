"""Integrations' services wired to fakes, as the composition root wires the real adapters."""

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest

from taskhub.contexts.identity.application.testing.fakes import FakeClock
from taskhub.contexts.integrations.application.deliveries import DeliveryLog
from taskhub.contexts.integrations.application.dispatcher import Dispatcher
from taskhub.contexts.integrations.application.fan_out import FanOut
from taskhub.contexts.integrations.application.targets import TargetPolicy
from taskhub.contexts.integrations.application.testing.fakes import (
    FakeAddressResolver,
    FakeIntegrationsUnitOfWork,
    FakeSecrets,
    FakeWebhookSender,
    IntegrationsStore,
)
from taskhub.contexts.integrations.application.webhooks import WebhookService
from taskhub.contexts.integrations.domain.delivery import Delivery
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.contexts.integrations.public import PUBLISHED_TYPES
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.unit.integrations.hostile_targets import NAMES

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
DEFAULT_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
KNOWN_EVENTS = frozenset(("task.created", "task.updated", "task.deleted", *PUBLISHED_TYPES))
HOOK_URL = "https://public.partner.example/hook"


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


@attrs.define
class Integrations:
    store: IntegrationsStore
    clock: FakeClock
    resolver: FakeAddressResolver
    sender: FakeWebhookSender
    secrets: FakeSecrets
    webhooks: WebhookService
    deliveries: DeliveryLog
    fan_out: FanOut
    dispatcher: Dispatcher
    org_id: uuid.UUID = attrs.field(factory=uuid.uuid4)
    wakes: list[str] = attrs.field(factory=list)

    @property
    def admin(self) -> Actor:
        principal = Principal(kind=PrincipalKind.USER, user_id=uuid.uuid4())
        return Actor(principal=principal, org_id=self.org_id, role=Role.ADMIN)

    def webhook(self, url: str = HOOK_URL, events: Sequence[str] = ("*",)) -> Webhook:
        return self.webhooks.create(self.admin, url=url, events=list(events), description="")

    def event(
        self,
        *,
        ordering_key: str = "task-1",
        position: int = 1,
        event_type: str = "task.created",
        data: dict[str, Any] | None = None,
    ) -> uuid.UUID:
        """Publish an event as the bus would hand it over; returns its id."""
        event_id = uuid.uuid4()
        self.fan_out.schedule(
            event_id=event_id,
            event_type=event_type,
            org_id=self.org_id,
            occurred_at=self.clock.now(),
            ordering_key=ordering_key,
            position=position,
            data=data if data is not None else {"id": ordering_key, "position": position},
        )
        return event_id

    def delivery_of(self, webhook: Webhook, event_id: uuid.UUID) -> Delivery:
        (delivery,) = [
            d
            for d in self.store.deliveries.values()
            if d.webhook_id == webhook.id and d.event_id == event_id
        ]
        return delivery

    def stored(self, webhook: Webhook) -> Webhook:
        return self.store.webhooks[webhook.id]


def build(
    schedule: Sequence[int] = DEFAULT_SCHEDULE, sender: FakeWebhookSender | None = None
) -> Integrations:
    store = IntegrationsStore()
    clock = FakeClock(START)
    resolver = FakeAddressResolver(NAMES)
    sender = sender or FakeWebhookSender()
    secrets = FakeSecrets()
    targets = TargetPolicy(resolver=resolver, allow_private=False)
    wakes: list[str] = []

    def uow(*, read_only: bool = False) -> FakeIntegrationsUnitOfWork:
        return FakeIntegrationsUnitOfWork(store)

    def wake(reason: str) -> Callable[[], None]:
        return lambda: wakes.append(reason)

    return Integrations(
        store=store,
        clock=clock,
        resolver=resolver,
        sender=sender,
        secrets=secrets,
        webhooks=WebhookService(
            uow=uow,
            targets=targets,
            secrets=secrets,
            clock=clock,
            known_event_types=KNOWN_EVENTS,
            wake_dispatcher=wake("webhooks"),
        ),
        deliveries=DeliveryLog(uow=uow, clock=clock, wake_dispatcher=wake("redeliver")),
        fan_out=FanOut(uow=uow, clock=clock, wake_dispatcher=wake("fan_out")),
        dispatcher=Dispatcher(
            uow=uow,
            sender=sender,
            targets=targets,
            clock=clock,
            schedule=schedule,
            encode=encode,
        ),
        wakes=wakes,
    )


@pytest.fixture
def integrations() -> Integrations:
    return build()
