"""Tickets in the database, so a ticket issued by one process is redeemed at another.

Redeeming is one `UPDATE ... WHERE used_at IS NULL AND expires_at > now RETURNING`:
the row lock makes concurrent redeemers of one ticket queue behind each other, and the
second finds `used_at` set, so exactly one succeeds without reading first.
"""

import uuid
from datetime import datetime

from sqlalchemy.engine import Engine

from taskhub.contexts.realtime.adapters.sql.tables import tickets
from taskhub.contexts.realtime.application.ports import StoredTicket


class SqlTicketStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, ticket: StoredTicket) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                tickets.insert().values(
                    org_id=ticket.org_id,
                    id=ticket.id,
                    ticket_hash=ticket.ticket_hash,
                    credential=ticket.sealed_credential,
                    user_id=ticket.user_id,
                    created_at=ticket.created_at,
                    expires_at=ticket.expires_at,
                )
            )

    def redeem(self, org_id: uuid.UUID, ticket_hash: str, now: datetime) -> str | None:
        statement = (
            tickets.update()
            .where(
                tickets.c.org_id == org_id,
                tickets.c.ticket_hash == ticket_hash,
                tickets.c.used_at.is_(None),
                tickets.c.expires_at > now,
            )
            .values(used_at=now)
            .returning(tickets.c.credential)
        )
        with self._engine.begin() as connection:
            sealed = connection.execute(statement).scalar_one_or_none()
        return None if sealed is None else str(sealed)

    def prune(self, now: datetime) -> int:
        with self._engine.begin() as connection:
            removed = connection.execute(tickets.delete().where(tickets.c.expires_at <= now))
        return int(removed.rowcount)
