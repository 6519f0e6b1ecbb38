"""Who is calling: resolved once per request, passed to every use case."""

import enum
import uuid

import attrs


class PrincipalKind(enum.StrEnum):
    USER = "user"
    API_KEY = "api_key"


@attrs.frozen
class Principal:
    """An authenticated caller.

    A user principal carries the refresh-token family (`session_id`) its access token
    was issued from; an API-key principal acts in exactly one organization.
    """

    kind: PrincipalKind
    user_id: uuid.UUID
    session_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    role: str | None = None

    @property
    def is_user(self) -> bool:
        return self.kind is PrincipalKind.USER


@attrs.frozen
class RequestOrigin:
    """Where a request came from, for sessions, audit entries and rate limits."""

    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None
