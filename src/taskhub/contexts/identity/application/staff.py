"""Staff: the platform's operators, and what they may do to accounts.

Staff see and manage accounts, never an organization's content: being staff grants no
role anywhere (org access is asked of tenancy's memberships alone). Every staff action
on an account is an event of that account, so it lands in the account's own security
log, with the staff member (bound by the HTTP layer) as the entry's actor.
"""

import uuid
from datetime import timedelta

import attrs

from taskhub.contexts.identity.application.activation import set_activation
from taskhub.contexts.identity.application.ports import (
    IdentityUnitOfWork,
    OpaqueTokens,
    PasswordHasher,
)
from taskhub.contexts.identity.application.token_letters import TokenLetters
from taskhub.contexts.identity.domain.email import validated_email
from taskhub.contexts.identity.domain.email_token import TokenPurpose
from taskhub.contexts.identity.domain.errors import EmailTaken
from taskhub.contexts.identity.domain.events import PasswordResetRequested
from taskhub.contexts.identity.domain.staff_events import (
    AccountCreatedByStaff,
    AccountViewedByStaff,
)
from taskhub.contexts.identity.domain.user import User
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Principal
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

# How long the link in a new account's first email works: longer than a reset's 30
# minutes, since nobody asked for it at that moment.
FIRST_PASSWORD_LIFETIME = timedelta(days=7)
WELCOME_LETTER = "welcome"


def user_not_found() -> NotFound:
    return NotFound("The user was not found.")


@attrs.frozen
class ChangeAccount:
    name: str | None = None
    active: bool | None = None


class StaffService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[IdentityUnitOfWork],
        hasher: PasswordHasher,
        opaque_tokens: OpaqueTokens,
        token_letters: TokenLetters,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._opaque = opaque_tokens
        self._letters = token_letters
        self._clock = clock

    def admits(self, principal: Principal) -> bool:
        """Whether the caller is a signed-in staff member (API keys never are)."""
        if not principal.is_user:
            return False
        with self._uow(read_only=True) as uow:
            user = uow.users.get(principal.user_id)
        return user is not None and user.is_active and user.is_staff

    def set_staff(self, email: str, staff: bool) -> bool:
        """The operator's command; returns whether anything changed."""
        now = self._clock.now()
        with self._uow() as uow:
            user = uow.users.get_by_email(email.strip())
            if user is None:
                raise NotFound(f"No account has the email {email.strip()!r}.")
            changed = user.set_staff(staff, now)
            uow.users.update(user)
            uow.commit()
        return changed

    def search(self, text: str | None, active: bool | None, page: PageRequest) -> Page[User]:
        with self._uow(read_only=True) as uow:
            return uow.users.search(text, active, page)

    def view(self, user_id: uuid.UUID) -> User:
        now = self._clock.now()
        with self._uow() as uow:
            user = self._load(uow, user_id)
            user.record(AccountViewedByStaff(event_id=new_id(), occurred_at=now, user_id=user.id))
            uow.commit()
        return user

    def create(self, *, email: str, name: str) -> User:
        """An account without a usable password; its owner chooses one by the emailed link."""
        email = validated_email(email)
        # A password nobody knows, so the hash column holds a real hash.
        password_hash = self._hasher.hash(self._opaque.new_token()[:64])
        now = self._clock.now()
        with self._uow() as uow:
            if uow.users.get_by_email(email) is not None:
                raise EmailTaken()
            user = User.register(email=email, name=name, password_hash=password_hash, now=now)
            user.record(
                AccountCreatedByStaff(
                    event_id=new_id(), occurred_at=now, user_id=user.id, email=email
                )
            )
            uow.users.add(user)
            self._letters.send(
                uow,
                user,
                TokenPurpose.RESET_PASSWORD,
                now,
                letter=WELCOME_LETTER,
                lifetime=FIRST_PASSWORD_LIFETIME,
            )
            uow.commit()
        return user

    def change(self, user_id: uuid.UUID, command: ChangeAccount) -> User:
        now = self._clock.now()
        with self._uow() as uow:
            user = self._load(uow, user_id)
            if command.name is not None:
                user.rename(command.name, now)
                uow.users.update(user)
            if command.active is not None:
                set_activation(uow, user, command.active, now)
            uow.commit()
        return user

    def send_password_reset(self, user_id: uuid.UUID) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            user = self._load(uow, user_id)
            self._letters.send(uow, user, TokenPurpose.RESET_PASSWORD, now)
            user.record(PasswordResetRequested(event_id=new_id(), occurred_at=now, user_id=user.id))
            uow.users.update(user)
            uow.commit()

    @staticmethod
    def _load(uow: IdentityUnitOfWork, user_id: uuid.UUID) -> User:
        user = uow.users.get(user_id)
        if user is None:
            raise user_not_found()
        return user
