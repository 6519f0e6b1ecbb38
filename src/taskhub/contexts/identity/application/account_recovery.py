"""Getting back into an account, and proving the email it is registered with.

A reset request is answered the same whether or not the address has an account (the
caller cannot tell which emails are registered); a reset ends every session, since
whoever held the old password may hold one.
"""

import uuid
from datetime import timedelta

from taskhub.contexts.identity.application.ports import IdentityUnitOfWork, PasswordHasher
from taskhub.contexts.identity.application.token_letters import TokenLetters
from taskhub.contexts.identity.domain.email_token import TokenPurpose, unusable_token
from taskhub.contexts.identity.domain.errors import EmailAlreadyVerified
from taskhub.contexts.identity.domain.events import PasswordResetRequested
from taskhub.contexts.identity.domain.password_policy import check_password
from taskhub.contexts.identity.domain.session import RevokeReason
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import NotFound, RateLimited
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

# Verification emails one user may ask for in VERIFICATION_WINDOW.
VERIFICATIONS_PER_WINDOW = 5
VERIFICATION_WINDOW = timedelta(hours=1)


class AccountRecoveryService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[IdentityUnitOfWork],
        hasher: PasswordHasher,
        token_letters: TokenLetters,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._letters = token_letters
        self._clock = clock

    def request_password_reset(self, email: str) -> None:
        """Email a reset link to a known, active account; do as much work otherwise."""
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get_by_email(email.strip())
            if user is None or not user.is_active:
                self._letters.spend_equal_effort(TokenPurpose.RESET_PASSWORD)
                return
            self._letters.send(uow, user, TokenPurpose.RESET_PASSWORD, now)
            user.record(PasswordResetRequested(event_id=new_id(), occurred_at=now, user_id=user.id))
            uow.users.update(user)
            uow.commit()

    def reset_password(self, token: str, new_password: str) -> None:
        check_password(new_password, field="new_password")
        new_hash = self._hasher.hash(new_password)
        now = self._clock.now()
        with self._uow() as uow:
            used = self._letters.redeem(uow, token, TokenPurpose.RESET_PASSWORD, now)
            user = uow.users.get(used.user_id)
            if user is None or not user.is_active:
                raise unusable_token()
            user.reset_password(new_hash, now)
            uow.users.update(user)
            uow.email_tokens.use_all(user.id, TokenPurpose.RESET_PASSWORD, now)
            for session in uow.sessions.live(user.id):
                session.revoke(now, RevokeReason.PASSWORD_RESET)
                uow.sessions.update(session)
            uow.commit()

    def verify_email(self, token: str) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            used = self._letters.redeem(uow, token, TokenPurpose.VERIFY_EMAIL, now)
            user = uow.users.get(used.user_id)
            if user is None:
                raise unusable_token()
            user.verify_email(now)
            uow.users.update(user)
            uow.email_tokens.use_all(user.id, TokenPurpose.VERIFY_EMAIL, now)
            uow.commit()

    def send_verification(self, user_id: uuid.UUID) -> None:
        """A new verification email, at most VERIFICATIONS_PER_WINDOW an hour (the count
        is of tokens issued, so it holds across processes)."""
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get(user_id)
            if user is None:
                raise NotFound("The user was not found.")
            if user.email_verified:
                raise EmailAlreadyVerified()
            issued = uow.email_tokens.issued_since(
                user.id, TokenPurpose.VERIFY_EMAIL, now - VERIFICATION_WINDOW
            )
            if len(issued) >= VERIFICATIONS_PER_WINDOW:
                wait = issued[-VERIFICATIONS_PER_WINDOW] + VERIFICATION_WINDOW - now
                raise RateLimited(
                    f"At most {VERIFICATIONS_PER_WINDOW} verification emails an hour.",
                    retry_after=int(wait.total_seconds()) + 1,
                )
            self._letters.send(uow, user, TokenPurpose.VERIFY_EMAIL, now)
            uow.commit()
