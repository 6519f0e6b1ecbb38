"""Single-use tokens sent by email: proof that the holder reads that mailbox.

The token itself travels only in the email; what is stored is its digest, when it
was issued, until when it works, and whether it was used. Each purpose has its own
lifetime: a reset link is a live key to the account, so it is short.
"""

import enum
import uuid
from datetime import datetime, timedelta

import attrs

from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.ids import new_id


class TokenPurpose(enum.StrEnum):
    """Also the path of the page the email links to (`{app_url}/<purpose>?token=`)."""

    RESET_PASSWORD = "reset-password"  # noqa: S105 - a purpose, not a secret
    VERIFY_EMAIL = "verify-email"


LIFETIMES = {
    TokenPurpose.RESET_PASSWORD: timedelta(minutes=30),
    TokenPurpose.VERIFY_EMAIL: timedelta(days=2),
}


def unusable_token() -> ValidationFailed:
    """The one answer for an unknown, used or expired token: which one it was is no
    business of whoever holds it."""
    return ValidationFailed.single("token", "is invalid, used or expired")


@attrs.define(kw_only=True)
class EmailToken:
    id: uuid.UUID
    user_id: uuid.UUID
    purpose: TokenPurpose
    token_hash: str = attrs.field(repr=False)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        *,
        user_id: uuid.UUID,
        purpose: TokenPurpose,
        token_hash: str,
        now: datetime,
        lifetime: timedelta | None = None,
    ) -> "EmailToken":
        """`lifetime` overrides the purpose's (a new account's first password link)."""
        return cls(
            id=new_id(),
            user_id=user_id,
            purpose=purpose,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + (lifetime or LIFETIMES[purpose]),
        )

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at
