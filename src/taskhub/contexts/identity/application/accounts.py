"""Registering, signing in, and the account's own profile and password."""

import uuid

import attrs

from taskhub.contexts.identity.application.activation import set_activation
from taskhub.contexts.identity.application.ports import (
    IdentityUnitOfWork,
    PasswordHasher,
)
from taskhub.contexts.identity.application.results import SignedIn
from taskhub.contexts.identity.application.session_tokens import SessionTokens
from taskhub.contexts.identity.application.token_letters import TokenLetters
from taskhub.contexts.identity.domain.email import validated_email
from taskhub.contexts.identity.domain.email_token import TokenPurpose
from taskhub.contexts.identity.domain.errors import (
    EmailTaken,
    InvalidCredentials,
    wrong_current_password,
)
from taskhub.contexts.identity.domain.password_policy import check_password
from taskhub.contexts.identity.domain.session import RevokeReason, Session
from taskhub.contexts.identity.domain.user import User
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.principal import RequestOrigin
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen
class Register:
    email: str
    password: str
    name: str
    origin: RequestOrigin = attrs.field(factory=RequestOrigin)
    # The caller proved the mailbox (an invitation token): verified, no verification email.
    email_proven: bool = False


@attrs.frozen
class SignIn:
    email: str
    password: str
    origin: RequestOrigin = attrs.field(factory=RequestOrigin)


@attrs.frozen
class ChangePassword:
    user_id: uuid.UUID
    current_password: str
    new_password: str


@attrs.frozen
class Rename:
    user_id: uuid.UUID
    name: str


class AccountService:
    """The use cases of one's own account."""

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[IdentityUnitOfWork],
        hasher: PasswordHasher,
        tokens: SessionTokens,
        clock: Clock,
        token_letters: TokenLetters,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._clock = clock
        self._token_letters = token_letters

    def register(self, command: Register) -> SignedIn:
        email = validated_email(command.email)
        check_password(command.password)
        password_hash = self._hasher.hash(command.password)
        now = self._clock.now()
        with self._uow() as uow:
            if uow.users.get_by_email(email) is not None:
                raise EmailTaken()
            user = User.register(
                email=email, name=command.name, password_hash=password_hash, now=now
            )
            if command.email_proven:
                user.verify_email(now)
            uow.users.add(user)
            if not command.email_proven:
                self._token_letters.send(uow, user, TokenPurpose.VERIFY_EMAIL, now)
            session = Session.start(
                user_id=user.id, now=now, ip=command.origin.ip, user_agent=command.origin.user_agent
            )
            uow.sessions.add(session)
            signed_in = self._tokens.issue(uow, user, session, now)
            uow.commit()
        return signed_in

    def sign_in(self, command: SignIn) -> SignedIn:
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get_by_email(command.email.strip())
            if user is None:
                self._hasher.spend_equal_effort(command.password)
                raise InvalidCredentials()
            if not self._hasher.verify(command.password, user.password_hash) or not user.is_active:
                user.sign_in_failed(now)
                uow.users.update(user)
                uow.commit()
                raise InvalidCredentials()
            session = Session.start(
                user_id=user.id, now=now, ip=command.origin.ip, user_agent=command.origin.user_agent
            )
            uow.sessions.add(session)
            user.signed_in(session.id, now)
            uow.users.update(user)
            signed_in = self._tokens.issue(uow, user, session, now)
            uow.commit()
        return signed_in

    def profile(self, user_id: uuid.UUID) -> User:
        with self._uow(read_only=True) as uow:
            user = uow.users.get(user_id)
        if user is None:
            raise NotFound("The user was not found.")
        return user

    def rename(self, command: Rename) -> User:
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get(command.user_id)
            if user is None:
                raise NotFound("The user was not found.")
            user.rename(command.name, now)
            uow.users.update(user)
            uow.commit()
        return user

    def change_password(self, command: ChangePassword) -> None:
        """Replace the password and end every session, this one included."""
        check_password(command.new_password, field="new_password")
        with self._uow() as uow:
            user = uow.users.get(command.user_id)
            if user is None:
                raise NotFound("The user was not found.")
            current_hash = user.password_hash
        if not self._hasher.verify(command.current_password, current_hash):
            raise wrong_current_password()
        new_hash = self._hasher.hash(command.new_password)
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get(command.user_id)
            if user is None:
                raise NotFound("The user was not found.")
            if user.password_hash != current_hash:
                # Changed by a concurrent request since we verified: verify again.
                raise wrong_current_password()
            user.change_password(new_hash, now)
            uow.users.update(user)
            for session in uow.sessions.live(user.id):
                session.revoke(now, RevokeReason.PASSWORD_CHANGED)
                uow.sessions.update(session)
            uow.commit()

    def set_active(self, email: str, active: bool) -> bool:
        """The operator's switch; deactivating ends every session at once, and the API
        keys the user created stop authenticating (their lookup asks for an active
        creator)."""
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get_by_email(email.strip())
            if user is None:
                raise NotFound(f"No account has the email {email.strip()!r}.")
            changed = set_activation(uow, user, active, now)
            uow.commit()
        return changed
