"""What identity's use cases return to the adapters."""

import uuid

import attrs

from taskhub.contexts.identity.domain.session import Session
from taskhub.contexts.identity.domain.user import User


@attrs.frozen
class SignedIn:
    """A user with a fresh access token and refresh token for one session."""

    user: User
    session_id: uuid.UUID
    access_token: str
    refresh_token: str
    expires_in: int


@attrs.frozen
class SessionView:
    session: Session
    current: bool
