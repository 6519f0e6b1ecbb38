"""Refreshing, listing and ending sessions, and checking access tokens against them."""

import uuid

import attrs

from taskhub.contexts.identity.application.ports import (
    AccessTokenCodec,
    IdentityUnitOfWork,
    OpaqueTokens,
)
from taskhub.contexts.identity.application.remembered_access import session_key, user_scope
from taskhub.contexts.identity.application.results import SessionView, SignedIn
from taskhub.contexts.identity.application.session_tokens import SessionTokens
from taskhub.contexts.identity.domain.errors import InvalidAccessToken, InvalidRefreshToken
from taskhub.contexts.identity.domain.session import RevokeReason
from taskhub.shared_kernel.answers import AnswerCache, NoAnswerCache
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Principal, PrincipalKind, RequestOrigin
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen
class Refresh:
    refresh_token: str
    origin: RequestOrigin = attrs.field(factory=RequestOrigin)


class SessionService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[IdentityUnitOfWork],
        tokens: SessionTokens,
        access_tokens: AccessTokenCodec,
        opaque_tokens: OpaqueTokens,
        clock: Clock,
        answers: AnswerCache | None = None,
    ) -> None:
        self._uow = uow
        self._tokens = tokens
        self._access_tokens = access_tokens
        self._opaque_tokens = opaque_tokens
        self._clock = clock
        self._answers = answers if answers is not None else NoAnswerCache()

    def refresh(self, command: Refresh) -> SignedIn:
        """Rotate: retire the presented token and issue a new pair in the same session."""
        now = self._clock.now()
        digest = self._opaque_tokens.digest(command.refresh_token)
        with self._uow() as uow:
            token = uow.sessions.find_token(digest)
            if token is None:
                raise InvalidRefreshToken()
            session = uow.sessions.get(token.session_id)
            if session is None or not session.is_live:
                raise InvalidRefreshToken()
            if token.rotated_at is not None or not uow.sessions.retire_token(token.id, now):
                self._revoke_family_after_reuse(uow, session.id)
                uow.commit()
                raise InvalidRefreshToken()
            if token.is_expired(now):
                uow.commit()
                raise InvalidRefreshToken()
            user = uow.users.get(session.user_id)
            if user is None or not user.is_active:
                raise InvalidRefreshToken()
            session.touch(now, command.origin.ip, command.origin.user_agent)
            uow.sessions.update(session)
            signed_in = self._tokens.issue(uow, user, session, now)
            uow.commit()
        return signed_in

    def _revoke_family_after_reuse(self, uow: IdentityUnitOfWork, session_id: uuid.UUID) -> None:
        now = self._clock.now()
        session = uow.sessions.get(session_id)
        if session is None:
            return
        session.revoke_after_reuse(now)
        uow.sessions.update(session)

    def authenticate(self, access_token: str) -> Principal:
        """A user principal for a valid token whose session is live and user active."""
        claims = self._access_tokens.read(access_token)
        key = session_key(claims.session_id, claims.user_id)
        if self._answers.recall(key) is None:
            stamp = self._answers.stamp()
            with self._uow(read_only=True) as uow:
                if not uow.sessions.grants_access(claims.session_id, claims.user_id):
                    raise InvalidAccessToken()
            self._answers.remember(key, True, scope=user_scope(claims.user_id), stamp=stamp)
        return Principal(
            kind=PrincipalKind.USER, user_id=claims.user_id, session_id=claims.session_id
        )

    def sign_out(self, principal: Principal) -> None:
        if principal.session_id is not None:
            self.revoke(principal, principal.session_id, reason=RevokeReason.SIGN_OUT)

    def page_live(self, principal: Principal, page: PageRequest) -> Page[SessionView]:
        with self._uow(read_only=True) as uow:
            sessions = uow.sessions.page_live(principal.user_id, page)
        return sessions.map(lambda s: SessionView(session=s, current=s.id == principal.session_id))

    def revoke(
        self, principal: Principal, session_id: uuid.UUID, reason: str = RevokeReason.USER_REVOKED
    ) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            session = uow.sessions.get(session_id)
            if session is None or session.user_id != principal.user_id or not session.is_live:
                raise NotFound("The session was not found.")
            session.revoke(now, reason)
            uow.sessions.update(session)
            uow.commit()
