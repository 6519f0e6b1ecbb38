"""Who is calling: resolved once per request, passed to every use case."""

import enum
import uuid

import attrs

from taskhub.shared_kernel.roles import Role


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
    role: Role | None = None

    @property
    def is_user(self) -> bool:
        return self.kind is PrincipalKind.USER


@attrs.frozen
class RequestOrigin:
    """Where a request came from, for sessions, audit entries and rate limits."""

    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


@attrs.frozen
class Actor:
    """A principal acting inside one organization, with its effective role there."""

    principal: Principal
    org_id: uuid.UUID
    role: Role

    @property
    def user_id(self) -> uuid.UUID:
        return self.principal.user_id
