"""Event types the integrations context itself emits to webhooks.

`webhook.ping` goes to the one webhook it tests and to no feed; `webhook.disabled` is
announced to the organization's other webhooks. Their `data` classes are also their
published JSON Schema.
"""

import uuid

import attrs

from taskhub.shared_kernel.event_catalogue import EventType

WEBHOOK_PING = "webhook.ping"
WEBHOOK_DISABLED = "webhook.disabled"


@attrs.frozen(kw_only=True)
class WebhookPingData:
    webhook_id: uuid.UUID


@attrs.frozen(kw_only=True)
class WebhookDisabledData:
    """`reason` says why: the receiver answered 410, or every delivery failed for 5 days."""

    webhook_id: uuid.UUID
    url: str
    reason: str


CATALOGUE = (
    EventType(WEBHOOK_PING, WebhookPingData, "A test event, sent to one webhook on request."),
    EventType(WEBHOOK_DISABLED, WebhookDisabledData, "A webhook of the organization was disabled."),
)

PUBLISHED_TYPES = tuple(event_type.name for event_type in CATALOGUE)
