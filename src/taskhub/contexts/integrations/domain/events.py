"""Integrations' events: every change to a webhook is audited; a webhook the dispatcher
disables is also announced to the organization's other webhooks."""

import attrs

from taskhub.contexts.integrations.public.events import (
    WEBHOOK_DISABLED,
    WEBHOOK_PING,
    WebhookDisabledData,
)
from taskhub.shared_kernel.events import IntegrationEvent, OrgEvent

__all__ = [
    "WEBHOOK_DISABLED",
    "WEBHOOK_PING",
    "WebhookCreated",
    "WebhookDeleted",
    "WebhookDisabled",
    "WebhookEvent",
    "WebhookSecretRotated",
    "WebhookUpdated",
]


@attrs.frozen(kw_only=True)
class WebhookEvent(OrgEvent):
    """A fact about one webhook; `entity_id` is the webhook."""

    entity_type = "webhook"


@attrs.frozen(kw_only=True)
class WebhookCreated(WebhookEvent):
    action = "webhook.created"


@attrs.frozen(kw_only=True)
class WebhookUpdated(WebhookEvent):
    action = "webhook.updated"


@attrs.frozen(kw_only=True)
class WebhookDeleted(WebhookEvent):
    action = "webhook.deleted"


@attrs.frozen(kw_only=True)
class WebhookSecretRotated(WebhookEvent):
    """Audited without the secrets: `changes` stays empty."""

    action = "webhook.secret_rotated"


@attrs.frozen(kw_only=True)
class WebhookDisabled(WebhookEvent):
    """Audited, and announced to the organization's other webhooks."""

    reason: str
    url: str
    action = "webhook.disabled"

    def integration_event(self) -> IntegrationEvent:
        data = WebhookDisabledData(webhook_id=self.entity_id, url=self.url, reason=self.reason)
        return self.published(WEBHOOK_DISABLED, data)
