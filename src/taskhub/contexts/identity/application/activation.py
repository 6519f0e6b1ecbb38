"""Activating and deactivating an account, whoever does it (the operator's command or
staff through the admin API): deactivation ends every session at once, and the API
keys the user created stop authenticating (their lookup asks for an active creator)."""

from datetime import datetime

from taskhub.contexts.identity.application.ports import IdentityUnitOfWork
from taskhub.contexts.identity.domain.session import RevokeReason
from taskhub.contexts.identity.domain.user import User


def set_activation(uow: IdentityUnitOfWork, user: User, active: bool, now: datetime) -> bool:
    """Returns whether anything changed; the caller commits."""
    changed = user.set_active(active, now)
    uow.users.update(user)
    if not active:
        for session in uow.sessions.live(user.id):
            session.revoke(now, RevokeReason.ACCOUNT_DEACTIVATED)
            uow.sessions.update(session)
    return changed
