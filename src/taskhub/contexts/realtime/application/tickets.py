"""Single-use tickets: how a browser, which cannot set headers on a WebSocket, opens one.

The browser asks with its credential (`POST /orgs/{org_id}/events/tickets`) and gets a
random ticket valid for 60 seconds; the socket then carries `?ticket=`. The ticket
stands for the credential that asked for it, in that organization only, so the socket
ends when that credential dies as any other stream does. It is stored as a hash, with
the credential sealed, in the database, so any process may redeem it, and redeemed with
one compare-and-set write, so it is redeemed once however many processes try.
"""

import uuid
from datetime import timedelta

import attrs

from taskhub.contexts.realtime.application.ports import StoredTicket, TicketCodec, TicketStore
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import Unauthenticated
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.principal import Actor

TICKET_LIFETIME = timedelta(seconds=60)


@attrs.frozen(kw_only=True)
class IssuedTicket:
    ticket: str
    expires_in: int


class TicketDesk:
    def __init__(self, *, store: TicketStore, codec: TicketCodec, clock: Clock) -> None:
        self._store = store
        self._codec = codec
        self._clock = clock

    def issue(self, actor: Actor, credential: str) -> IssuedTicket:
        now = self._clock.now()
        ticket = self._codec.new_ticket()
        self._store.add(
            StoredTicket(
                org_id=actor.org_id,
                id=new_id(),
                ticket_hash=self._codec.digest(ticket),
                sealed_credential=self._codec.seal(credential, actor.org_id),
                user_id=actor.user_id,
                created_at=now,
                expires_at=now + TICKET_LIFETIME,
            )
        )
        return IssuedTicket(ticket=ticket, expires_in=int(TICKET_LIFETIME.total_seconds()))

    def redeem(self, ticket: str, org_id: uuid.UUID) -> str:
        """The credential the ticket stands for; `Unauthenticated` when it is unknown,
        used, expired, or another organization's."""
        sealed = self._store.redeem(org_id, self._codec.digest(ticket), self._clock.now())
        if sealed is not None:
            try:
                return self._codec.open(sealed, org_id)
            except ValueError:
                pass
        raise Unauthenticated(
            "The ticket is unknown, expired or already used; ask for a new one.",
            code="invalid_ticket",
        )

    def prune(self) -> int:
        return self._store.prune(self._clock.now())
