"""The ports realtime's use cases need. The event log is integrations' public
`OrgEventLog`; the others are met by identity, tenancy and realtime's own adapters."""

import uuid
from datetime import datetime
from typing import Protocol

import attrs

from taskhub.contexts.integrations.public import OrgEventLog
from taskhub.shared_kernel.principal import Principal
from taskhub.shared_kernel.roles import Role

__all__ = ["Credentials", "OrgEventLog", "OrgRoles", "StoredTicket", "TicketCodec", "TicketStore"]


class Credentials(Protocol):
    """identity's authenticator: an access token or API key, to the caller it names."""

    def authenticate(self, credential: str) -> Principal:
        """The caller, or `Unauthenticated` (expired, revoked, user deactivated)."""
        ...


class OrgRoles(Protocol):
    """tenancy's access answer: the caller's role in an organization, None when none."""

    def role_in(self, principal: Principal, org_id: uuid.UUID) -> Role | None: ...


@attrs.frozen(kw_only=True)
class StoredTicket:
    """A ticket as stored: its hash, never the ticket, and the sealed credential."""

    org_id: uuid.UUID
    id: uuid.UUID
    ticket_hash: str
    sealed_credential: str
    user_id: uuid.UUID
    created_at: datetime
    expires_at: datetime


class TicketStore(Protocol):
    def add(self, ticket: StoredTicket) -> None: ...

    def redeem(self, org_id: uuid.UUID, ticket_hash: str, now: datetime) -> str | None:
        """Mark the organization's unused, unexpired ticket used, in one compare-and-set
        write, and return its sealed credential; None when there is none to redeem (so
        of two processes redeeming one ticket at once, exactly one gets it)."""
        ...

    def prune(self, now: datetime) -> int:
        """Delete expired tickets; returns how many."""
        ...


class TicketCodec(Protocol):
    """Minting, hashing and sealing: secrets come in through a port."""

    def new_ticket(self) -> str: ...

    def digest(self, ticket: str) -> str: ...

    def seal(self, credential: str, org_id: uuid.UUID) -> str: ...

    def open(self, sealed: str, org_id: uuid.UUID) -> str:
        """The credential, or ValueError when the seal does not open."""
        ...
