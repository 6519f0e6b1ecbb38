"""The subscription that feeds notifications: tasks and comments from work, members
leaving and invitations made or revoked from tenancy. Neither knows anything of it; they
only publish."""

from collections.abc import Sequence

import sqlalchemy as sa

from taskhub.contexts.notifications.adapters.sql.unit_of_work import (
    SqlNotificationsRepositories,
)
from taskhub.contexts.notifications.application.reactions import (
    HEARD_TYPES,
    NotificationReactions,
    ReceivedEvent,
)
from taskhub.platform.messaging.bus import Subscription
from taskhub.platform.messaging.envelope import Envelope

SUBSCRIBER = "notifications"


def notifications_subscription(reactions: NotificationReactions) -> Subscription:
    def handle(envelopes: Sequence[Envelope], connection: sa.Connection) -> None:
        reactions.react(
            SqlNotificationsRepositories(connection),
            [
                ReceivedEvent(
                    type=envelope.type,
                    org_id=envelope.org_id,
                    occurred_at=envelope.occurred_at,
                    actor_id=envelope.actor_id,
                    data=envelope.data,
                )
                for envelope in envelopes
            ],
        )

    return Subscription(SUBSCRIBER, HEARD_TYPES, handle)
