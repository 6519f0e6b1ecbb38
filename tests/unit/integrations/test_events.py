"""Each change to a webhook is one event class, recorded on the Webhook itself, with the
audit facts (and, for a disabled webhook, the published event) the trail has always had."""

from taskhub.contexts.integrations.application.webhooks import ChangeWebhook
from taskhub.contexts.integrations.domain.events import (
    WebhookCreated,
    WebhookDeleted,
    WebhookDisabled,
    WebhookSecretRotated,
    WebhookUpdated,
)
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.shared_kernel.events import AuditFacts, IntegrationEvent
from tests.unit.integrations.conftest import HOOK_URL, START, Integrations, build


def test_the_webhook_records_its_creation_itself() -> None:
    webhook = Webhook.create(
        org_id=build().org_id,
        url=HOOK_URL,
        events=("task.created", "task.updated"),
        description="",
        secret="whsec_x",
        now=START,
    )
    (created,) = webhook.pull_events()
    assert isinstance(created, WebhookCreated)
    assert created.audit_facts() == AuditFacts(
        action="webhook.created",
        entity_type="webhook",
        entity_id=webhook.id,
        org_id=webhook.org_id,
        changes={"url": (None, HOOK_URL), "events": (None, ["task.created", "task.updated"])},
    )
    assert created.integration_event() is None


def test_each_use_case_commits_its_own_event_class(integrations: Integrations) -> None:
    admin = integrations.admin
    webhook = integrations.webhook(events=["task.created"])
    integrations.webhooks.change(
        admin, webhook.id, ChangeWebhook(events=["task.updated", "task.created"])
    )
    integrations.webhooks.change(admin, webhook.id, ChangeWebhook(description="same again"))
    integrations.webhooks.change(admin, webhook.id, ChangeWebhook(description="same again"))
    integrations.webhooks.rotate_secret(admin, webhook.id)
    integrations.webhooks.delete(admin, webhook.id, None)

    events = integrations.store.events
    assert [type(e) for e in events] == [
        WebhookCreated,
        WebhookUpdated,
        WebhookUpdated,
        WebhookSecretRotated,
        WebhookDeleted,
    ]
    facts = [e.audit_facts() for e in events]
    assert [(f.action, f.entity_type, f.entity_id, f.org_id) for f in facts] == [
        (action, "webhook", webhook.id, integrations.org_id)
        for action in (
            "webhook.created",
            "webhook.updated",
            "webhook.updated",
            "webhook.secret_rotated",
            "webhook.deleted",
        )
    ]
    # The event types change as lists; secrets never appear.
    assert [f.changes for f in facts] == [
        {"url": (None, HOOK_URL), "events": (None, ["task.created"])},
        {"events": (["task.created"], ["task.created", "task.updated"])},
        {"description": ("", "same again")},
        {},
        {},
    ]
    assert [e.integration_event() for e in events] == [None] * 5


def test_a_change_that_changes_nothing_records_nothing(integrations: Integrations) -> None:
    webhook = integrations.webhook()
    integrations.webhooks.change(integrations.admin, webhook.id, ChangeWebhook(active=True))
    assert [type(e) for e in integrations.store.events] == [WebhookCreated]


def test_a_disabled_webhook_is_audited_and_announced() -> None:
    world = build(schedule=())
    hook = world.webhook()
    world.sender.answer(410)
    world.event()
    world.dispatcher.run_once()

    (disabled,) = [e for e in world.store.events if isinstance(e, WebhookDisabled)]
    assert disabled.audit_facts() == AuditFacts(
        action="webhook.disabled",
        entity_type="webhook",
        entity_id=hook.id,
        org_id=world.org_id,
        changes={"active": (True, False)},
    )
    assert disabled.integration_event() == IntegrationEvent(
        event_id=disabled.event_id,
        type="webhook.disabled",
        org_id=world.org_id,
        occurred_at=disabled.occurred_at,
        ordering_key=str(hook.id),
        data={
            "webhook_id": str(hook.id),
            "url": HOOK_URL,
            "reason": "the receiver answered 410 Gone",
        },
    )
