"""Event types the integrations context itself emits to webhooks."""

WEBHOOK_PING = "webhook.ping"
WEBHOOK_DISABLED = "webhook.disabled"

PUBLISHED_TYPES = (WEBHOOK_PING, WEBHOOK_DISABLED)
