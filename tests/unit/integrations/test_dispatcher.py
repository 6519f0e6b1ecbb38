"""The dispatcher through fakes: what each answer means for the delivery and its webhook."""

import ipaddress
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from taskhub.contexts.integrations.application.ports import AttemptResult
from taskhub.contexts.integrations.application.webhooks import ChangeWebhook
from taskhub.contexts.integrations.domain.delivery import DeliveryStatus
from taskhub.contexts.integrations.domain.events import WebhookDisabled
from taskhub.contexts.integrations.domain.webhook import FAILURE_WINDOW
from taskhub.shared_kernel.errors import Conflict, NotFound
from tests.unit.integrations.conftest import DEFAULT_SCHEDULE, HOOK_URL, Integrations, build
from tests.unit.integrations.hostile_targets import PUBLIC_V4, PUBLIC_V6
from tests.unit.integrations.standard_webhooks import reference_verify


def seconds_until(world: Integrations, moment: datetime | None) -> float:
    assert moment is not None
    return (moment - world.clock.now()).total_seconds()


def test_a_success_is_recorded_with_status_and_duration(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event(data={"id": "task-1", "title": "Ship it"})
    integrations.sender.answer(AttemptResult(status=204, duration_ms=42))

    assert integrations.dispatcher.run_once() == 1

    delivery = integrations.delivery_of(hook, event_id)
    assert delivery.status is DeliveryStatus.SUCCEEDED
    assert (delivery.attempts, delivery.response_status, delivery.duration_ms) == (1, 204, 42)
    assert (delivery.next_attempt_at, delivery.last_error) == (None, None)
    assert integrations.dispatcher.run_once() == 0
    assert len(integrations.sender.sent) == 1


def test_the_request_is_a_signed_standard_webhook(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event(data={"id": "task-1", "title": "Ship it"})
    integrations.dispatcher.run_once()

    (sent,) = integrations.sender.sent
    assert (sent.target.url, sent.target.host, sent.target.port) == (
        HOOK_URL,
        "public.partner.example",
        443,
    )
    assert sent.addresses == (ipaddress.ip_address(PUBLIC_V4),)
    assert json.loads(sent.body) == {
        "type": "task.created",
        "timestamp": "2026-11-22T10:00:00Z",
        "data": {"id": "task-1", "title": "Ship it"},
    }
    assert sent.headers["webhook-id"] == str(event_id)
    assert sent.headers["webhook-timestamp"] == str(int(integrations.clock.now().timestamp()))
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["user-agent"].startswith("taskhub")
    assert reference_verify(hook.secret, sent.headers, sent.body)


def test_the_sender_is_given_every_checked_address(integrations: Integrations) -> None:
    integrations.webhook("https://dual.partner.example:8443/in")
    integrations.event()
    integrations.dispatcher.run_once()
    (sent,) = integrations.sender.sent
    assert sent.addresses == (ipaddress.ip_address(PUBLIC_V4), ipaddress.ip_address(PUBLIC_V6))
    assert (sent.target.port, sent.target.path) == (8443, "/in")


def test_a_failure_is_retried_on_the_schedule(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.sender.answer(AttemptResult(status=500, duration_ms=80), 502)

    integrations.dispatcher.run_once()
    delivery = integrations.delivery_of(hook, event_id)
    assert delivery.status is DeliveryStatus.RETRYING
    assert (delivery.attempts, delivery.response_status, delivery.duration_ms) == (1, 500, 80)
    assert 4.5 <= seconds_until(integrations, delivery.next_attempt_at) <= 5.5

    # Not due yet: nothing is attempted.
    integrations.clock.advance(seconds=4.4)
    assert integrations.dispatcher.run_once() == 0

    integrations.clock.advance(seconds=1.2)
    assert integrations.dispatcher.run_once() == 1
    delivery = integrations.delivery_of(hook, event_id)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.RETRYING,
        2,
        502,
    )
    assert 270 <= seconds_until(integrations, delivery.next_attempt_at) <= 330


def test_no_answer_is_retried_and_the_error_kept(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.sender.answer(AttemptResult(status=None, duration_ms=15000, error="timed out"))
    integrations.dispatcher.run_once()
    delivery = integrations.delivery_of(hook, event_id)
    assert (delivery.status, delivery.response_status, delivery.last_error) == (
        DeliveryStatus.RETRYING,
        None,
        "timed out",
    )
    assert delivery.duration_ms == 15000


def test_every_retry_carries_the_same_id_and_a_fresh_signature(
    integrations: Integrations,
) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.sender.answer(500, 500, 200)
    for _ in range(3):
        assert integrations.dispatcher.run_once() == 1
        integrations.clock.advance(hours=1)

    first, second, third = integrations.sender.sent
    assert {s.headers["webhook-id"] for s in (first, second, third)} == {str(event_id)}
    assert first.body == second.body == third.body
    timestamps = [int(s.headers["webhook-timestamp"]) for s in (first, second, third)]
    assert timestamps == sorted(set(timestamps))
    assert len({s.headers["webhook-signature"] for s in (first, second, third)}) == 3
    assert all(reference_verify(hook.secret, s.headers, s.body) for s in (first, second, third))
    delivery = integrations.delivery_of(hook, event_id)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 3)


@pytest.mark.parametrize(("status", "retry_after"), [(429, 3600), (503, 120)])
def test_retry_after_on_429_and_503_is_honoured(
    integrations: Integrations, status: int, retry_after: int
) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.sender.answer(AttemptResult(status=status, duration_ms=5, retry_after=retry_after))
    integrations.dispatcher.run_once()
    delivery = integrations.delivery_of(hook, event_id)
    assert delivery.status is DeliveryStatus.RETRYING
    assert delivery.next_attempt_at == integrations.clock.now() + timedelta(seconds=retry_after)


def test_retry_after_is_capped(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.sender.answer(AttemptResult(status=429, duration_ms=5, retry_after=10**8))
    integrations.dispatcher.run_once()
    delivery = integrations.delivery_of(hook, event_id)
    assert delivery.next_attempt_at == integrations.clock.now() + timedelta(hours=10)


def test_retry_after_on_other_answers_is_ignored(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.sender.answer(AttemptResult(status=500, duration_ms=5, retry_after=3600))
    integrations.dispatcher.run_once()
    delivery = integrations.delivery_of(hook, event_id)
    assert 4.5 <= seconds_until(integrations, delivery.next_attempt_at) <= 5.5


@pytest.mark.parametrize("status", [301, 302, 303, 304, 307, 308, 100, 400, 401, 404, 500])
def test_redirects_and_other_answers_are_retried(integrations: Integrations, status: int) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.sender.answer(status)
    integrations.dispatcher.run_once()
    delivery = integrations.delivery_of(hook, event_id)
    assert (delivery.status, delivery.response_status) == (DeliveryStatus.RETRYING, status)
    assert integrations.stored(hook).active


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_any_2xx_is_success(integrations: Integrations, status: int) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.sender.answer(status)
    integrations.dispatcher.run_once()
    assert integrations.delivery_of(hook, event_id).status is DeliveryStatus.SUCCEEDED


def test_the_schedule_used_up_fails_the_delivery(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.sender.answer(*[500] * (len(DEFAULT_SCHEDULE) + 1))
    waits = []
    for _ in range(len(DEFAULT_SCHEDULE) + 1):
        assert integrations.dispatcher.run_once() == 1
        delivery = integrations.delivery_of(hook, event_id)
        if delivery.next_attempt_at is None:
            break
        waits.append(seconds_until(integrations, delivery.next_attempt_at))
        integrations.clock.advance(seconds=waits[-1])

    delivery = integrations.delivery_of(hook, event_id)
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.attempts == len(DEFAULT_SCHEDULE) + 1
    assert delivery.next_attempt_at is None
    for scheduled, waited in zip(DEFAULT_SCHEDULE, waits, strict=True):
        assert scheduled * 0.9 <= waited <= scheduled * 1.1
    integrations.clock.advance(days=1)
    assert integrations.dispatcher.run_once() == 0
    # About 27.6 hours of failures: not long enough to disable the webhook.
    assert integrations.stored(hook).active


def disabled_events(world: Integrations) -> list[WebhookDisabled]:
    return [e for e in world.store.events if isinstance(e, WebhookDisabled)]


def test_410_gone_disables_the_webhook_at_once(integrations: Integrations) -> None:
    hook = integrations.webhook()
    waiting = integrations.event(ordering_key="task-2")
    integrations.sender.answer(500)
    integrations.dispatcher.run_once()
    assert integrations.delivery_of(hook, waiting).status is DeliveryStatus.RETRYING
    done = integrations.event(ordering_key="task-3")
    integrations.sender.answer(200)
    integrations.dispatcher.run_once()

    integrations.clock.advance(seconds=1)
    gone = integrations.event(ordering_key="task-1")
    integrations.sender.answer(410)
    assert integrations.dispatcher.run_once() == 1

    assert integrations.delivery_of(hook, gone).status is DeliveryStatus.FAILED
    assert integrations.delivery_of(hook, gone).response_status == 410
    stored = integrations.stored(hook)
    assert stored.active is False
    assert stored.version == hook.version + 1
    other = integrations.delivery_of(hook, waiting)
    assert (other.status, other.next_attempt_at) == (DeliveryStatus.FAILED, None)
    assert other.last_error == "the webhook was disabled: the receiver answered 410 Gone"
    assert integrations.delivery_of(hook, done).status is DeliveryStatus.SUCCEEDED

    (disabled,) = disabled_events(integrations)
    facts = disabled.audit_facts()
    assert (facts.action, facts.entity_type, facts.entity_id, facts.org_id) == (
        "webhook.disabled",
        "webhook",
        hook.id,
        integrations.org_id,
    )
    assert dict(facts.changes) == {"active": (True, False)}
    published = disabled.integration_event()
    assert (published.type, published.org_id, published.ordering_key) == (
        "webhook.disabled",
        integrations.org_id,
        str(hook.id),
    )
    assert dict(published.data) == {
        "webhook_id": str(hook.id),
        "url": HOOK_URL,
        "reason": "the receiver answered 410 Gone",
    }

    # Nothing more is sent to it, and nothing new is scheduled for it.
    integrations.clock.advance(hours=1)
    assert integrations.dispatcher.run_once() == 0
    integrations.event(ordering_key="task-9")
    assert integrations.dispatcher.run_once() == 0
    assert len(integrations.sender.sent) == 3
    with pytest.raises(Conflict):
        integrations.deliveries.redeliver(
            integrations.admin, hook.id, integrations.delivery_of(hook, gone).id
        )


def test_a_disable_is_announced_to_the_other_webhooks(integrations: Integrations) -> None:
    gone = integrations.webhook(events=["task.created"])
    watcher = integrations.webhook(events=["webhook.disabled"])
    unrelated = integrations.webhook(events=["task.updated"])
    integrations.event()
    integrations.sender.answer(410)
    integrations.dispatcher.run_once()
    (disabled,) = disabled_events(integrations)

    # What the bus hands the fan-out once the event is published.
    published = disabled.integration_event()
    integrations.fan_out.schedule(
        event_id=published.event_id,
        event_type=published.type,
        org_id=published.org_id,
        occurred_at=published.occurred_at,
        ordering_key=published.ordering_key,
        position=1,
        data=dict(published.data),
    )
    announced = {
        d.webhook_id
        for d in integrations.store.deliveries.values()
        if d.event_type == "webhook.disabled"
    }
    assert announced == {watcher.id}
    assert not {gone.id, unrelated.id} & announced
    integrations.dispatcher.run_once()
    body = json.loads(integrations.sender.sent[-1].body)
    assert body["type"] == "webhook.disabled"
    assert body["data"]["webhook_id"] == str(gone.id)


def test_five_days_of_nothing_but_failures_disables_the_webhook() -> None:
    # No retries, so each event is attempted once: only the webhook's clock matters.
    world = build(schedule=())
    hook = world.webhook()
    world.sender.answer(*[500] * 10)
    world.event(ordering_key="a")
    world.dispatcher.run_once()
    assert world.stored(hook).failing_since == world.clock.now()

    world.clock.advance(seconds=FAILURE_WINDOW.total_seconds() - 1)
    world.event(ordering_key="b")
    world.dispatcher.run_once()
    assert world.stored(hook).active
    assert disabled_events(world) == []

    world.clock.advance(seconds=1)
    world.event(ordering_key="c")
    world.dispatcher.run_once()
    assert world.stored(hook).active is False
    (disabled,) = disabled_events(world)
    assert disabled.reason == "every delivery failed for 5 days"
    assert disabled.audit_facts().action == "webhook.disabled"


def test_a_success_resets_the_failure_clock() -> None:
    world = build(schedule=())
    hook = world.webhook()
    start = world.clock.now()
    for day, answer in [(0, 500), (3, 200), (4, 500), (8, 500)]:
        wait = start + timedelta(days=day) - world.clock.now()
        world.clock.advance(seconds=wait.total_seconds())
        world.sender.answer(answer)
        world.event(ordering_key=f"day-{day}")
        world.dispatcher.run_once()
        if day == 3:
            assert world.stored(hook).failing_since is None

    # Failing since day 4 only: four days, not five.
    assert world.stored(hook).failing_since == start + timedelta(days=4)
    assert world.stored(hook).active
    world.clock.advance(days=1)
    world.sender.answer(500)
    world.event(ordering_key="day-9")
    world.dispatcher.run_once()
    assert world.stored(hook).active is False


def test_reactivating_a_webhook_restarts_its_failure_clock() -> None:
    world = build(schedule=())
    hook = world.webhook()
    world.sender.answer(410)
    world.event(ordering_key="a")
    world.dispatcher.run_once()
    assert world.stored(hook).active is False
    world.webhooks.change(world.admin, hook.id, ChangeWebhook(active=True))
    stored = world.stored(hook)
    assert (stored.active, stored.failing_since) == (True, None)


def answer_by_event(integrations: Integrations, answers: dict[int, list[int]]) -> None:
    """Script the receiver per event (its `data.n`): each attempt of that event gets the
    next status listed for it, 200 once they run out."""
    send = integrations.sender.send

    def scripted(target: Any, addresses: Any, headers: Any, body: bytes) -> AttemptResult:
        queue = answers.get(json.loads(body)["data"]["n"], [])
        status = queue.pop(0) if queue else 200
        send(target, addresses, headers, body)
        return AttemptResult(status=status, duration_ms=25)

    integrations.sender.send = scripted  # type: ignore[method-assign]


def test_the_next_event_of_an_entity_waits_for_the_one_before(
    integrations: Integrations,
) -> None:
    hook = integrations.webhook()
    first = integrations.event(ordering_key="task-1", position=1, data={"n": 1})
    second = integrations.event(ordering_key="task-1", position=2, data={"n": 2})
    other = integrations.event(ordering_key="task-2", position=3, data={"n": 3})
    # The first and the other are attempted at the same time, so the answer goes by
    # event, not by the order the attempts happen to reach the receiver.
    answer_by_event(integrations, {1: [500]})

    assert integrations.dispatcher.run_once() == 2
    assert integrations.delivery_of(hook, first).status is DeliveryStatus.RETRYING
    assert integrations.delivery_of(hook, other).status is DeliveryStatus.SUCCEEDED

    # The second is due, but the first is still retrying: it is not attempted.
    integrations.clock.advance(seconds=3)
    assert integrations.dispatcher.run_once() == 0
    assert integrations.delivery_of(hook, second).attempts == 0

    integrations.clock.advance(seconds=10)
    assert integrations.dispatcher.run_once() == 1
    assert integrations.dispatcher.run_once() == 1
    sent = [json.loads(s.body)["data"]["n"] for s in integrations.sender.sent]
    assert [n for n in sent if n != 3] == [1, 1, 2]
    assert sent.count(3) == 1
    assert integrations.delivery_of(hook, second).status is DeliveryStatus.SUCCEEDED


def test_a_failed_delivery_lets_the_next_of_its_entity_go() -> None:
    world = build(schedule=())
    hook = world.webhook()
    first = world.event(position=1)
    second = world.event(position=2)
    world.sender.answer(500)
    world.dispatcher.run_once()
    assert world.delivery_of(hook, first).status is DeliveryStatus.FAILED
    assert world.dispatcher.run_once() == 1
    assert world.delivery_of(hook, second).status is DeliveryStatus.SUCCEEDED


def test_a_deleted_webhooks_delivery_is_given_up_without_sending(
    integrations: Integrations,
) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    # Deleted behind the dispatcher's back (as if between the claim and the attempt).
    stored = integrations.store.webhooks[hook.id]
    stored.delete(integrations.clock.now())

    assert integrations.dispatcher.run_once() == 1
    delivery = integrations.delivery_of(hook, event_id)
    assert (delivery.status, delivery.next_attempt_at, delivery.attempts) == (
        DeliveryStatus.FAILED,
        None,
        0,
    )
    assert delivery.last_error == "the webhook is not active"
    assert integrations.sender.sent == []


def test_deleting_a_webhook_fails_what_it_still_had_to_send(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.webhooks.delete(integrations.admin, hook.id, None)
    delivery = integrations.delivery_of(hook, event_id)
    assert (delivery.status, delivery.last_error) == (
        DeliveryStatus.FAILED,
        "the webhook was deleted",
    )
    assert integrations.dispatcher.run_once() == 0
    assert integrations.sender.sent == []


def test_a_name_moved_to_a_refused_address_is_not_sent_to(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.resolver.point("public.partner.example", "127.0.0.1")

    assert integrations.dispatcher.run_once() == 1
    delivery = integrations.delivery_of(hook, event_id)
    assert (delivery.status, delivery.response_status, delivery.attempts) == (
        DeliveryStatus.RETRYING,
        None,
        1,
    )
    assert delivery.last_error == (
        "must not point at 127.0.0.1 (public.partner.example resolves there): "
        "it is a loopback address"
    )
    assert integrations.sender.sent == []

    # Pointed back at a public address, the retry goes out.
    integrations.resolver.point("public.partner.example", PUBLIC_V4)
    integrations.clock.advance(seconds=6)
    integrations.dispatcher.run_once()
    assert integrations.delivery_of(hook, event_id).status is DeliveryStatus.SUCCEEDED


def test_a_name_that_stopped_resolving_is_retried(integrations: Integrations) -> None:
    hook = integrations.webhook()
    event_id = integrations.event()
    integrations.resolver.forget("public.partner.example")
    integrations.dispatcher.run_once()
    delivery = integrations.delivery_of(hook, event_id)
    assert delivery.status is DeliveryStatus.RETRYING
    assert delivery.last_error == "public.partner.example does not resolve"
    assert integrations.sender.sent == []


def test_within_a_day_of_rotation_both_secrets_sign(integrations: Integrations) -> None:
    hook = integrations.webhook()
    rotated = integrations.webhooks.rotate_secret(integrations.admin, hook.id)
    assert rotated.secret != hook.secret
    integrations.event(ordering_key="a")
    integrations.dispatcher.run_once()
    integrations.clock.advance(hours=24)
    integrations.event(ordering_key="b")
    integrations.dispatcher.run_once()

    within, after = integrations.sender.sent
    assert len(within.headers["webhook-signature"].split(" ")) == 2
    assert reference_verify(hook.secret, within.headers, within.body)
    assert reference_verify(rotated.secret, within.headers, within.body)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert not reference_verify(hook.secret, after.headers, after.body)
    assert reference_verify(rotated.secret, after.headers, after.body)


def test_redelivery_sends_again_and_keeps_counting() -> None:
    world = build(schedule=(5,))
    hook = world.webhook()
    event_id = world.event()
    world.sender.answer(500, 500, 500)
    world.dispatcher.run_once()
    world.clock.advance(seconds=6)
    world.dispatcher.run_once()
    delivery = world.delivery_of(hook, event_id)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)

    world.wakes.clear()
    redelivered = world.deliveries.redeliver(world.admin, hook.id, delivery.id)
    assert (redelivered.status, redelivered.next_attempt_at) == (
        DeliveryStatus.PENDING,
        world.clock.now(),
    )
    assert world.wakes == ["redeliver"]
    assert world.dispatcher.run_once() == 1
    delivery = world.delivery_of(hook, event_id)
    # The schedule is used up: one failed redelivery is final.
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert [s.headers["webhook-id"] for s in world.sender.sent] == [str(event_id)] * 3


def test_a_delivery_of_another_webhook_cannot_be_redelivered(integrations: Integrations) -> None:
    mine, theirs = integrations.webhook(), integrations.webhook()
    event_id = integrations.event()
    delivery = integrations.delivery_of(theirs, event_id)
    with pytest.raises(NotFound, match="delivery was not found"):
        integrations.deliveries.redeliver(integrations.admin, mine.id, delivery.id)
    with pytest.raises(NotFound, match="webhook was not found"):
        integrations.deliveries.redeliver(integrations.admin, uuid.uuid4(), delivery.id)


def test_fan_out_schedules_once_per_event_for_the_webhooks_that_want_it(
    integrations: Integrations,
) -> None:
    everything = integrations.webhook(events=["*"])
    created_only = integrations.webhook(events=["task.created"])
    updated_only = integrations.webhook(events=["task.updated"])
    event_id = uuid.uuid4()

    def publish() -> int:
        return integrations.fan_out.schedule(
            event_id=event_id,
            event_type="task.created",
            org_id=integrations.org_id,
            occurred_at=integrations.clock.now(),
            ordering_key="task-1",
            position=1,
            data={"id": "task-1"},
        )

    assert publish() == 2
    assert integrations.wakes[-1] == "fan_out"
    integrations.wakes.clear()
    assert publish() == 0
    assert integrations.wakes == []
    assert {d.webhook_id for d in integrations.store.deliveries.values()} == {
        everything.id,
        created_only.id,
    }
    assert updated_only.id not in {d.webhook_id for d in integrations.store.deliveries.values()}
