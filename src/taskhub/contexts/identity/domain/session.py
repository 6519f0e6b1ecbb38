"""Sessions: one refresh-token family per sign-in.

Every refresh rotates the token: the presented one is retired and a new one issued in
the same family. A retired token presented again means two parties hold the family (a
copy was stolen), so the whole family is revoked and both must sign in again.
"""

import uuid
from datetime import datetime, timedelta

import attrs

from taskhub.contexts.identity.domain.events import RefreshTokenReused, SessionRevoked
from taskhub.shared_kernel.events import EventRecorder
from taskhub.shared_kernel.ids import new_id


class RevokeReason:
    """Why a session ended; kept on the session for the user's security log."""

    SIGN_OUT = "sign_out"
    USER_REVOKED = "user_revoked"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a secret
    TOKEN_REUSE = "refresh_token_reuse"  # noqa: S105 - a reason, not a secret
    ACCOUNT_DEACTIVATED = "account_deactivated"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a reason, not a secret
    ACCOUNT_ERASED = "account_erased"


@attrs.define(kw_only=True)
class Session(EventRecorder):
    id: uuid.UUID
    user_id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    ip: str | None = None
    user_agent: str | None = None
    revoked_at: datetime | None = None
    revoke_reason: str | None = None

    @classmethod
    def start(
        cls, *, user_id: uuid.UUID, now: datetime, ip: str | None, user_agent: str | None
    ) -> "Session":
        return cls(
            id=new_id(),
            user_id=user_id,
            created_at=now,
            last_used_at=now,
            ip=ip,
            user_agent=user_agent,
        )

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    def touch(self, now: datetime, ip: str | None, user_agent: str | None) -> None:
        self.last_used_at = now
        if ip:
            self.ip = ip
        if user_agent:
            self.user_agent = user_agent

    def revoke_after_reuse(self, now: datetime) -> None:
        """A retired refresh token came back: someone else holds the family."""
        self.record(
            RefreshTokenReused(
                event_id=new_id(), occurred_at=now, user_id=self.user_id, session_id=self.id
            )
        )
        self.revoke(now, RevokeReason.TOKEN_REUSE)

    def revoke(self, now: datetime, reason: str) -> bool:
        """Returns whether the session was live until now."""
        if self.revoked_at is not None:
            return False
        self.revoked_at = now
        self.revoke_reason = reason
        self.record(
            SessionRevoked(
                event_id=new_id(),
                occurred_at=now,
                user_id=self.user_id,
                session_id=self.id,
                reason=reason,
            )
        )
        return True


@attrs.define(kw_only=True)
class RefreshToken:
    """A stored refresh token; only the SHA-256 of the secret is ever kept."""

    id: uuid.UUID
    session_id: uuid.UUID
    token_hash: str = attrs.field(repr=False)
    issued_at: datetime
    expires_at: datetime
    rotated_at: datetime | None = None

    @classmethod
    def issue(
        cls, *, session_id: uuid.UUID, token_hash: str, now: datetime, ttl_seconds: int
    ) -> "RefreshToken":
        return cls(
            id=new_id(),
            session_id=session_id,
            token_hash=token_hash,
            issued_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at
