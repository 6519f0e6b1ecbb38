"""The bus subscription that feeds webhook deliveries: every event type, one queue."""

from taskhub.contexts.integrations.application.fan_out import FanOut
from taskhub.platform.messaging.bus import Subscription
from taskhub.platform.messaging.envelope import Envelope

SUBSCRIBER = "webhooks"


def fan_out_subscription(fan_out: FanOut) -> Subscription:
    def handle(envelope: Envelope) -> None:
        fan_out.schedule(
            event_id=envelope.event_id,
            event_type=envelope.type,
            org_id=envelope.org_id,
            occurred_at=envelope.occurred_at,
            ordering_key=envelope.ordering_key,
            position=envelope.position,
            data=envelope.data,
        )

    return Subscription(SUBSCRIBER, ("*",), handle)
