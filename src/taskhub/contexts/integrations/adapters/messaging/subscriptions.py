"""The bus subscription that feeds webhook deliveries: every event type, one queue.

Every type, and not only those some webhook wants: the dispatcher holds an entity's
deliveries back until every earlier event of that entity has been consumed here, so an
event this subscriber never received would hold them back until it is pruned.
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa

from taskhub.contexts.integrations.adapters.sql.delivery_repository import FAN_OUT_SUBSCRIBER
from taskhub.contexts.integrations.adapters.sql.unit_of_work import SqlIntegrationsRepositories
from taskhub.contexts.integrations.application.fan_out import FanOut, ReceivedEvent
from taskhub.platform.messaging.bus import Subscription
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.secret_box import SecretBox


def fan_out_subscription(
    fan_out: FanOut, box: SecretBox, wake_dispatcher: Callable[[], None]
) -> Subscription:
    def handle(envelopes: Sequence[Envelope], connection: sa.Connection) -> None:
        fan_out.schedule_batch(
            SqlIntegrationsRepositories(connection, box),
            [
                ReceivedEvent(
                    event_id=envelope.event_id,
                    event_type=envelope.type,
                    org_id=envelope.org_id,
                    occurred_at=envelope.occurred_at,
                    ordering_key=envelope.ordering_key,
                    position=envelope.position,
                    data=envelope.data,
                    trace_context=envelope.traceparent,
                )
                for envelope in envelopes
            ],
        )

    return Subscription(FAN_OUT_SUBSCRIBER, ("*",), handle, committed=wake_dispatcher)
