"""Each user's settings and last email on SQL; claiming an email is a compare-and-set."""

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.notifications.adapters.sql.tables import recipients
from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.settings import ChannelChoice, NotificationSettings
from taskhub.platform.sql_lists import among
from taskhub.platform.sql_upsert import dialect_insert


def _settings(stored: Mapping[str, Any] | None) -> NotificationSettings:
    chosen = {}
    for name, channels in (stored or {}).items():
        if name in Reason.__members__.values():
            chosen[Reason(name)] = ChannelChoice(
                in_app=bool(channels.get("in_app", True)), email=bool(channels.get("email", True))
            )
    return NotificationSettings(chosen)


def _stored(settings: NotificationSettings) -> dict[str, dict[str, bool]]:
    return {
        reason.value: {"in_app": choice.in_app, "email": choice.email}
        for reason, choice in settings.chosen.items()
    }


class SqlRecipientRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def settings(self, user_id: uuid.UUID) -> NotificationSettings:
        return self.settings_of([user_id])[user_id]

    def settings_of(
        self, user_ids: Collection[uuid.UUID]
    ) -> Mapping[uuid.UUID, NotificationSettings]:
        wanted = sorted(set(user_ids))
        if not wanted:
            return {}
        rows = self._connection.execute(
            sa.select(recipients.c.user_id, recipients.c.settings).where(
                among(self._connection, recipients.c.user_id, wanted)
            )
        ).all()
        stored = {row.user_id: row.settings for row in rows}
        return {user_id: _settings(stored.get(user_id)) for user_id in wanted}

    def save_settings(self, user_id: uuid.UUID, settings: NotificationSettings) -> None:
        values = {"settings": _stored(settings)}
        self._connection.execute(
            dialect_insert(self._connection, recipients)
            .values(user_id=user_id, **values)
            .on_conflict_do_update(index_elements=["user_id"], set_=values)
        )

    def claim_email(self, user_id: uuid.UUID, now: datetime, not_after: datetime) -> bool:
        self._connection.execute(
            dialect_insert(self._connection, recipients)
            .values(user_id=user_id, settings={})
            .on_conflict_do_nothing()
        )
        claimed = self._connection.execute(
            recipients.update()
            .where(
                recipients.c.user_id == user_id,
                sa.or_(
                    recipients.c.last_emailed_at.is_(None),
                    recipients.c.last_emailed_at <= not_after,
                ),
            )
            .values(last_emailed_at=now)
            .returning(recipients.c.user_id)
        )
        return claimed.first() is not None
