"""Issuing the token pair of a session: shared by register, sign-in and refresh."""

from datetime import datetime

from taskhub.contexts.identity.application.ports import (
    AccessClaims,
    AccessTokenCodec,
    IdentityUnitOfWork,
    OpaqueTokens,
)
from taskhub.contexts.identity.application.results import SignedIn
from taskhub.contexts.identity.domain.session import RefreshToken, Session
from taskhub.contexts.identity.domain.user import User


class SessionTokens:
    def __init__(
        self, *, access_tokens: AccessTokenCodec, opaque_tokens: OpaqueTokens, refresh_ttl: int
    ) -> None:
        self._access_tokens = access_tokens
        self._opaque_tokens = opaque_tokens
        self._refresh_ttl = refresh_ttl

    def issue(
        self, uow: IdentityUnitOfWork, user: User, session: Session, now: datetime
    ) -> SignedIn:
        refresh_token = self._opaque_tokens.new_token()
        uow.sessions.add_token(
            RefreshToken.issue(
                session_id=session.id,
                token_hash=self._opaque_tokens.digest(refresh_token),
                now=now,
                ttl_seconds=self._refresh_ttl,
            )
        )
        access = self._access_tokens.issue(AccessClaims(user_id=user.id, session_id=session.id))
        return SignedIn(
            user=user,
            session_id=session.id,
            access_token=access.token,
            refresh_token=refresh_token,
            expires_in=access.expires_in,
        )
