"""The fan-out and the dispatcher in batches: many events, webhooks and entities at once."""

import threading
import uuid
from collections.abc import Mapping, Sequence

from taskhub.contexts.integrations.application.fan_out import ReceivedEvent
from taskhub.contexts.integrations.application.ports import AttemptResult
from taskhub.contexts.integrations.application.testing.fakes import (
    FakeIntegrationsUnitOfWork,
    FakeWebhookSender,
)
from taskhub.contexts.integrations.domain.addresses import Address
from taskhub.contexts.integrations.domain.delivery import DeliveryStatus
from taskhub.contexts.integrations.domain.events import WebhookDisabled
from taskhub.contexts.integrations.domain.target import Target
from tests.unit.integrations.conftest import HOOK_URL, Integrations, build

OTHER_URL = "https://dual.partner.example/hook"


class AnswerByHost(FakeWebhookSender):
    """Answers by the target's host, whatever order the concurrent attempts come in."""

    def __init__(self, answers: Mapping[str, int]) -> None:
        super().__init__()
        self._by_host = dict(answers)
        self._lock = threading.Lock()

    def send(
        self,
        target: Target,
        addresses: Sequence[Address],
        headers: Mapping[str, str],
        body: bytes,
    ) -> AttemptResult:
        with self._lock:
            super().send(target, addresses, headers, body)
        return AttemptResult(status=self._by_host.get(target.host, 200), duration_ms=5)


def received(world: Integrations, org_id: uuid.UUID, key: str, position: int) -> ReceivedEvent:
    return ReceivedEvent(
        event_id=uuid.uuid4(),
        event_type="task.updated",
        org_id=org_id,
        occurred_at=world.clock.now(),
        ordering_key=key,
        position=position,
        data={"id": key, "position": position},
    )


def test_a_batch_of_events_is_fanned_out_to_the_webhooks_of_each_organization(
    integrations: Integrations,
) -> None:
    mine = integrations.webhook(events=["task.updated"])
    not_interested = integrations.webhook(events=["task.created"])
    other_org = uuid.uuid4()
    events = [received(integrations, integrations.org_id, f"task-{n}", n) for n in (1, 2, 3)]
    events.append(received(integrations, other_org, "task-9", 9))

    def fan_out() -> int:
        with FakeIntegrationsUnitOfWork(integrations.store) as uow:
            created = integrations.fan_out.schedule_batch(uow, events)
            uow.commit()
        return created

    assert fan_out() == 3
    assert fan_out() == 0
    deliveries = list(integrations.store.deliveries.values())
    assert {d.webhook_id for d in deliveries} == {mine.id}
    assert not_interested.id not in {d.webhook_id for d in deliveries}
    assert sorted(d.position for d in deliveries) == [1, 2, 3]
    assert {d.event_id for d in deliveries} == {e.event_id for e in events[:3]}


def test_a_webhook_receives_only_events_committed_after_it_was_created(
    integrations: Integrations,
) -> None:
    integrations.store.newest_position = 5  # events up to 5 committed before the webhook
    webhook = integrations.webhook(events=["task.updated"])
    events = [received(integrations, integrations.org_id, f"task-{n}", n) for n in (4, 5, 6)]
    with FakeIntegrationsUnitOfWork(integrations.store) as uow:
        assert integrations.fan_out.schedule_batch(uow, events) == 1
        uow.commit()
    (delivery,) = integrations.store.deliveries.values()
    assert (delivery.webhook_id, delivery.position) == (webhook.id, 6)


def test_one_run_sends_the_head_of_every_webhook_and_entity_side_by_side(
    integrations: Integrations,
) -> None:
    hooks = [integrations.webhook() for _ in range(3)]
    for position in (1, 2):
        for entity in range(4):
            integrations.event(ordering_key=f"task-{entity}", position=position)

    assert integrations.dispatcher.run_once() == 12
    assert integrations.dispatcher.run_once() == 12
    assert integrations.dispatcher.run_once() == 0
    integrations.dispatcher.close()

    statuses = {d.status for d in integrations.store.deliveries.values()}
    assert statuses == {DeliveryStatus.SUCCEEDED}
    sent = [
        (s.headers["webhook-id"], s.body) for s in integrations.sender.sent
    ]  # first run's twelve, then the second's
    assert len(sent) == 24
    first_run = {webhook_id for webhook_id, _body in sent[:12]}
    heads = {str(d.event_id) for d in integrations.store.deliveries.values() if d.position == 1}
    assert first_run == heads
    assert {h.id for h in hooks} == {d.webhook_id for d in integrations.store.deliveries.values()}


def test_outcomes_of_one_batch_are_recorded_per_webhook() -> None:
    world = build(sender=AnswerByHost({"dual.partner.example": 410}))
    gone = world.webhook(OTHER_URL, events=["task.created"])
    kept = world.webhook(HOOK_URL, events=["task.created"])
    first = world.event(ordering_key="task-1", position=1)
    world.event(ordering_key="task-1", position=2)  # waits behind the first
    world.event(ordering_key="task-2", position=3)

    assert world.dispatcher.run_once() == 4
    world.dispatcher.close()

    assert world.stored(gone).active is False
    assert world.stored(kept).active is True
    assert world.stored(kept).failing_since is None
    gone_statuses = [d.status for d in world.store.deliveries.values() if d.webhook_id == gone.id]
    assert gone_statuses == [DeliveryStatus.FAILED] * 3
    assert world.delivery_of(gone, first).response_status == 410
    kept_statuses = sorted(
        (d.position, d.status) for d in world.store.deliveries.values() if d.webhook_id == kept.id
    )
    assert kept_statuses == [
        (1, DeliveryStatus.SUCCEEDED),
        (2, DeliveryStatus.PENDING),
        (3, DeliveryStatus.SUCCEEDED),
    ]
    disabled = [e for e in world.store.events if isinstance(e, WebhookDisabled)]
    assert [e.entity_id for e in disabled] == [gone.id]


def test_after_a_410_no_other_delivery_of_the_batch_reaches_that_webhook() -> None:
    """The dispatcher claims the heads of many entities at once; the receiver's first
    410 must be the last request it gets, not one of several sent side by side."""
    world = build(sender=AnswerByHost({"dual.partner.example": 410}))
    gone = world.webhook(OTHER_URL, events=["task.created"])
    kept = world.webhook(HOOK_URL, events=["task.created"])
    for entity in range(6):
        world.event(ordering_key=f"task-{entity}", position=entity + 1)

    assert world.dispatcher.run_once() == 12
    world.dispatcher.close()

    to_gone = [s for s in world.sender.sent if s.target.host == "dual.partner.example"]
    assert len(to_gone) == 1
    assert world.stored(gone).active is False
    assert {d.status for d in world.store.deliveries.values() if d.webhook_id == gone.id} == {
        DeliveryStatus.FAILED
    }
    kept_sent = [s for s in world.sender.sent if s.target.host != "dual.partner.example"]
    assert len(kept_sent) == 6
    assert world.stored(kept).active is True
