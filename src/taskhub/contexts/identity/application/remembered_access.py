"""Which remembered session answers a committed change makes wrong.

`SessionService.authenticate` remembers that a session grants access, filed under the
session's user. Revoking a session, changing a password, reusing a refresh token and
deactivating the account each record an event naming that user, so forgetting the
user's scope after such a commit covers every way a session stops granting access.
"""

import uuid
from collections.abc import Sequence

from taskhub.contexts.identity.domain.events import (
    AccountActivationChanged,
    PasswordChanged,
    RefreshTokenReused,
    SessionRevoked,
)
from taskhub.shared_kernel.answers import AnswerCache
from taskhub.shared_kernel.events import DomainEvent

_REVOKING = (SessionRevoked, PasswordChanged, RefreshTokenReused, AccountActivationChanged)


def session_key(session_id: uuid.UUID, user_id: uuid.UUID) -> tuple[str, uuid.UUID, uuid.UUID]:
    return ("identity.session", session_id, user_id)


def user_scope(user_id: uuid.UUID) -> str:
    return f"identity.user:{user_id}"


class ForgetRevokedSessions:
    """After a commit, forgets the sessions of every user whose access it revoked."""

    def __init__(self, answers: AnswerCache) -> None:
        self._answers = answers

    def __call__(self, events: Sequence[DomainEvent]) -> None:
        scopes = {user_scope(e.user_id) for e in events if isinstance(e, _REVOKING)}
        if scopes:
            self._answers.forget(scopes)
