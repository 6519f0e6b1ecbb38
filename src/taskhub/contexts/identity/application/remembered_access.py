"""Which remembered session answers a committed change makes wrong.

`SessionService.authenticate` remembers that a session grants access, filed under the
session's user. Revoking a session, changing a password, reusing a refresh token and
deactivating the account each record an event naming that user, so forgetting the
user's scope after such a commit covers every way a session stops granting access.
"""

import uuid

from taskhub.contexts.identity.domain.events import (
    AccountActivationChanged,
    PasswordChanged,
    RefreshTokenReused,
    SessionRevoked,
)
from taskhub.shared_kernel.events import DomainEvent

_REVOKING = (SessionRevoked, PasswordChanged, RefreshTokenReused, AccountActivationChanged)


def session_key(session_id: uuid.UUID, user_id: uuid.UUID) -> tuple[str, uuid.UUID, uuid.UUID]:
    return ("identity.session", session_id, user_id)


def user_scope(user_id: uuid.UUID) -> str:
    return f"identity.user:{user_id}"


def revoked_scope(event: DomainEvent) -> str | None:
    """The user whose sessions a committed event stops granting access, if any (for
    `ForgetOnCommit`)."""
    return user_scope(event.user_id) if isinstance(event, _REVOKING) else None
