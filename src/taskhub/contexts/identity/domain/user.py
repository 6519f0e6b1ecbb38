"""The User aggregate."""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.identity.domain.email import canonical_email
from taskhub.contexts.identity.domain.events import (
    AccountActivationChanged,
    EmailVerified,
    PasswordChanged,
    PasswordReset,
    ProfileUpdated,
    SignInFailed,
    UserRegistered,
    UserSignedIn,
)
from taskhub.contexts.identity.domain.staff_events import AccountErased, StaffStatusChanged
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.events import EventRecorder
from taskhub.shared_kernel.ids import new_id

MAX_NAME_LENGTH = 200


def validated_name(name: str, field: str = "name") -> str:
    if not name.strip():
        raise ValidationFailed.single(field, "must not be blank")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed.single(field, f"must be at most {MAX_NAME_LENGTH} characters")
    return name


@attrs.define(kw_only=True)
class User(EventRecorder):
    id: uuid.UUID
    email: str
    name: str
    password_hash: str = attrs.field(repr=False)
    created_at: datetime
    updated_at: datetime
    is_active: bool = True
    email_verified_at: datetime | None = None
    is_staff: bool = False
    last_login_at: datetime | None = None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def canonical_email(self) -> str:
        return canonical_email(self.email)

    @classmethod
    def register(cls, *, email: str, name: str, password_hash: str, now: datetime) -> "User":
        user = cls(
            id=new_id(),
            email=email,
            name=validated_name(name),
            password_hash=password_hash,
            created_at=now,
            updated_at=now,
        )
        user.record(
            UserRegistered(event_id=new_id(), occurred_at=now, user_id=user.id, email=email)
        )
        return user

    def rename(self, name: str, now: datetime) -> None:
        name = validated_name(name)
        if name == self.name:
            return
        self.record(
            ProfileUpdated(
                event_id=new_id(),
                occurred_at=now,
                user_id=self.id,
                changes={"name": (self.name, name)},
            )
        )
        self.name = name
        self.updated_at = now

    def signed_in(self, session_id: uuid.UUID, now: datetime) -> None:
        self.last_login_at = now
        self.record(
            UserSignedIn(event_id=new_id(), occurred_at=now, user_id=self.id, session_id=session_id)
        )

    def sign_in_failed(self, now: datetime) -> None:
        """A wrong password, or an account that is not active: kept in the security log."""
        self.record(SignInFailed(event_id=new_id(), occurred_at=now, user_id=self.id))

    def change_password(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.updated_at = now
        self.record(PasswordChanged(event_id=new_id(), occurred_at=now, user_id=self.id))

    def reset_password(self, password_hash: str, now: datetime) -> None:
        """A new password by a token from the user's mailbox, which also proves the email."""
        self.password_hash = password_hash
        self.updated_at = now
        self.record(PasswordReset(event_id=new_id(), occurred_at=now, user_id=self.id))
        self.verify_email(now)

    def verify_email(self, now: datetime) -> bool:
        """Returns whether anything changed."""
        if self.email_verified_at is not None:
            return False
        self.email_verified_at = now
        self.updated_at = now
        self.record(EmailVerified(event_id=new_id(), occurred_at=now, user_id=self.id))
        return True

    def set_active(self, active: bool, now: datetime) -> bool:
        """Returns whether anything changed."""
        if self.is_active == active:
            return False
        self.is_active = active
        self.updated_at = now
        self.record(
            AccountActivationChanged(
                event_id=new_id(), occurred_at=now, user_id=self.id, active=active
            )
        )
        return True

    def set_staff(self, staff: bool, now: datetime) -> bool:
        """Make the account an operator's, or not; returns whether anything changed."""
        if self.is_staff == staff:
            return False
        self.is_staff = staff
        self.updated_at = now
        self.record(
            StaffStatusChanged(event_id=new_id(), occurred_at=now, user_id=self.id, staff=staff)
        )
        return True

    def erase(self, password_hash: str, now: datetime) -> None:
        """Replace everything that says who the person was; the id stays, so what others
        kept (audit entries, tasks) still holds together but leads to nobody. The
        account can no longer sign in (inactive, and a password nobody knows)."""
        self.email = f"erased-{self.id.hex}@erased.invalid"
        self.name = "Erased user"
        self.password_hash = password_hash
        self.is_active = False
        self.is_staff = False
        self.updated_at = now
        self.record(AccountErased(event_id=new_id(), occurred_at=now, user_id=self.id))
