"""An account's own data: taken out (export), or the account erased.

Identity holds the profile, the sessions and the API keys; the other contexts answer
for what they keep through `shared_kernel.personal_data.PersonalData`. Erasure asks
them first (tenancy refuses while the user is the only owner of an organization, and
then nothing has changed), then replaces the email and the name, ends every session,
revokes every API key and retires the emailed tokens in one transaction.
"""

import uuid
from collections.abc import Sequence
from typing import Any

from taskhub.contexts.identity.application.ports import (
    IdentityUnitOfWork,
    OpaqueTokens,
    PasswordHasher,
)
from taskhub.contexts.identity.domain.email_token import TokenPurpose
from taskhub.contexts.identity.domain.session import RevokeReason
from taskhub.contexts.identity.domain.user import User
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import NotFound, ValidationFailed
from taskhub.shared_kernel.personal_data import PersonalData
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "email": user.email,
        "name": user.name,
        "created_at": user.created_at.isoformat(),
        "email_verified": user.email_verified,
        "active": user.is_active,
        "staff": user.is_staff,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


class PersonalDataService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[IdentityUnitOfWork],
        hasher: PasswordHasher,
        opaque_tokens: OpaqueTokens,
        others: Sequence[PersonalData],
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._opaque = opaque_tokens
        self._others = others
        self._clock = clock

    def export(self, user_id: uuid.UUID) -> dict[str, Any]:
        with self._uow(read_only=True) as uow:
            user = uow.users.get(user_id)
            if user is None:
                raise NotFound("The user was not found.")
            sessions = uow.sessions.live(user_id)
            keys = uow.api_keys.live_created_by(user_id)
        exported: dict[str, Any] = {
            "profile": _profile(user),
            "sessions": [
                {
                    "id": str(s.id),
                    "created_at": s.created_at.isoformat(),
                    "last_used_at": s.last_used_at.isoformat(),
                    "ip": s.ip,
                    "user_agent": s.user_agent,
                }
                for s in sessions
            ],
            "api_keys": [
                {
                    "id": str(k.id),
                    "org_id": str(k.org_id),
                    "name": k.name,
                    "role": k.role.value,
                    "prefix": k.prefix,
                    "created_at": k.created_at.isoformat(),
                }
                for k in keys
            ],
        }
        for other in self._others:
            exported.update(other.export(user_id))
        return exported

    def erase(self, user_id: uuid.UUID, password: str) -> None:
        with self._uow(read_only=True) as uow:
            user = uow.users.get(user_id)
            if user is None:
                raise NotFound("The user was not found.")
            current_hash = user.password_hash
        if not self._hasher.verify(password, current_hash):
            raise ValidationFailed.single("password", "is incorrect")
        for other in self._others:
            other.erase(user_id)
        unusable = self._hasher.hash(self._opaque.new_token()[:64])
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get(user_id)
            if user is None:
                raise NotFound("The user was not found.")
            user.erase(unusable, now)
            uow.users.update(user)
            for session in uow.sessions.live(user_id):
                session.revoke(now, RevokeReason.ACCOUNT_ERASED)
                uow.sessions.update(session)
            for key in uow.api_keys.live_created_by(user_id):
                key.revoke(now)
                uow.api_keys.update(key)
                uow.track(key)
            for purpose in TokenPurpose:
                uow.email_tokens.use_all(user_id, purpose, now)
            uow.commit()
