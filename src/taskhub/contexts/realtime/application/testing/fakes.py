"""In-memory fakes of realtime's ports; they keep the same promises as the adapters
(positions only grow, a ticket is redeemed once and never after it expired)."""

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from taskhub.contexts.integrations.public import PublishedEvent
from taskhub.contexts.realtime.application.ports import StoredTicket
from taskhub.shared_kernel.errors import Unauthenticated
from taskhub.shared_kernel.principal import Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role


class FakeEventLog:
    def __init__(self) -> None:
        self.events: list[tuple[uuid.UUID, PublishedEvent]] = []
        self.reads = 0
        self._last_position = 0

    def append(
        self,
        org_id: uuid.UUID,
        event_type: str,
        occurred_at: datetime,
        data: Mapping[str, Any] | None = None,
    ) -> PublishedEvent:
        self._last_position += 1  # positions only grow, pruned or not
        event = PublishedEvent(
            position=self._last_position,
            id=uuid.uuid4(),
            type=event_type,
            occurred_at=occurred_at,
            data=dict(data or {}),
        )
        self.events.append((org_id, event))
        return event

    def forget_before(self, moment: datetime) -> None:
        """What the relay's prune does to the outbox past the retention."""
        self.events = [(o, e) for o, e in self.events if e.occurred_at >= moment]

    def position_of(self, org_id: uuid.UUID, event_id: uuid.UUID, *, since: datetime) -> int | None:
        for owner, event in self.events:
            if owner == org_id and event.id == event_id and event.occurred_at >= since:
                return event.position
        return None

    def after(self, org_id: uuid.UUID, position: int, *, limit: int) -> Sequence[PublishedEvent]:
        self.reads += 1
        found = [e for o, e in self.events if o == org_id and e.position > position]
        return found[:limit]

    def latest_position(self, org_id: uuid.UUID) -> int:
        return max((e.position for o, e in self.events if o == org_id), default=0)


class FakeCredentials:
    """Credentials are the strings in `live`; anything else is dead."""

    def __init__(self) -> None:
        self.live: dict[str, Principal] = {}
        self.asked = 0

    def grant(self, credential: str, user_id: uuid.UUID) -> None:
        self.live[credential] = Principal(kind=PrincipalKind.USER, user_id=user_id)

    def authenticate(self, credential: str) -> Principal:
        self.asked += 1
        principal = self.live.get(credential)
        if principal is None:
            raise Unauthenticated("The credential is not valid.", code="invalid_credentials")
        return principal


class FakeOrgRoles:
    def __init__(self) -> None:
        self.roles: dict[tuple[uuid.UUID, uuid.UUID], Role] = {}

    def role_in(self, principal: Principal, org_id: uuid.UUID) -> Role | None:
        return self.roles.get((principal.user_id, org_id))


class FakeTicketStore:
    def __init__(self) -> None:
        self.tickets: dict[tuple[uuid.UUID, str], StoredTicket] = {}
        self.used: set[tuple[uuid.UUID, str]] = set()

    def add(self, ticket: StoredTicket) -> None:
        self.tickets[(ticket.org_id, ticket.ticket_hash)] = ticket

    def redeem(self, org_id: uuid.UUID, ticket_hash: str, now: datetime) -> str | None:
        key = (org_id, ticket_hash)
        ticket = self.tickets.get(key)
        if ticket is None or key in self.used or ticket.expires_at <= now:
            return None
        self.used.add(key)
        return ticket.sealed_credential

    def prune(self, now: datetime) -> int:
        expired = [k for k, t in self.tickets.items() if t.expires_at <= now]
        for key in expired:
            del self.tickets[key]
            self.used.discard(key)
        return len(expired)


class FakeTicketCodec:
    """Readable tickets and a reversible 'seal' bound to the organization."""

    def __init__(self) -> None:
        self._minted = 0

    def new_ticket(self) -> str:
        self._minted += 1
        return f"ticket-{self._minted}"

    def digest(self, ticket: str) -> str:
        return hashlib.sha256(ticket.encode()).hexdigest()

    def seal(self, credential: str, org_id: uuid.UUID) -> str:
        return f"{org_id}|{credential}"

    def open(self, sealed: str, org_id: uuid.UUID) -> str:
        owner, _, credential = sealed.partition("|")
        if owner != str(org_id):
            raise ValueError("sealed for another organization")
        return credential


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
