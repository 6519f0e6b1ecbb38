"""Tickets minted from the system's randomness, stored as SHA-256, credentials sealed
with the deployment's key for this purpose, bound to the ticket's organization."""

import hashlib
import secrets
import uuid

from taskhub.platform.secret_box import SecretBox, UnreadableSecret

TICKET_CREDENTIALS = "realtime-tickets"


class SealedTicketCodec:
    def __init__(self, box: SecretBox) -> None:
        self._box = box

    def new_ticket(self) -> str:
        return "tkt_" + secrets.token_urlsafe(32)

    def digest(self, ticket: str) -> str:
        return hashlib.sha256(ticket.encode()).hexdigest()

    def seal(self, credential: str, org_id: uuid.UUID) -> str:
        return self._box.seal(credential, org_id.bytes)

    def open(self, sealed: str, org_id: uuid.UUID) -> str:
        try:
            return self._box.open(sealed, org_id.bytes)
        except UnreadableSecret as exc:
            raise ValueError(str(exc)) from None
