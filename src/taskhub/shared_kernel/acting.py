"""Who is acting, from where: read by the audit trail without threading it through calls.

The HTTP layer binds it once per request (after authentication), the CLI binds the
system actor; use cases never pass it along. The platform keeps it in a contextvar.
"""

import enum
import uuid
from typing import Protocol

import attrs


class ActorType(enum.StrEnum):
    USER = "user"
    API_KEY = "api_key"
    SYSTEM = "system"


@attrs.frozen
class Acting:
    actor_type: ActorType = ActorType.SYSTEM
    actor_id: uuid.UUID | None = None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


class ActingSource(Protocol):
    def current(self) -> Acting:
        """The actor of the work in progress; the system when nothing was bound."""
        ...
