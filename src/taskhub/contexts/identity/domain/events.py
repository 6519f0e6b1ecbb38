"""Facts about accounts; the audit context turns them into security-log entries."""

import uuid

import attrs

from taskhub.shared_kernel.events import DomainEvent


@attrs.frozen(kw_only=True)
class UserRegistered(DomainEvent):
    user_id: uuid.UUID
    email: str


@attrs.frozen(kw_only=True)
class UserSignedIn(DomainEvent):
    user_id: uuid.UUID
    session_id: uuid.UUID


@attrs.frozen(kw_only=True)
class SignInFailed(DomainEvent):
    user_id: uuid.UUID


@attrs.frozen(kw_only=True)
class PasswordChanged(DomainEvent):
    user_id: uuid.UUID


@attrs.frozen(kw_only=True)
class ProfileUpdated(DomainEvent):
    user_id: uuid.UUID
    changes: dict[str, tuple[str, str]]


@attrs.frozen(kw_only=True)
class SessionRevoked(DomainEvent):
    user_id: uuid.UUID
    session_id: uuid.UUID
    reason: str


@attrs.frozen(kw_only=True)
class RefreshTokenReused(DomainEvent):
    user_id: uuid.UUID
    session_id: uuid.UUID


@attrs.frozen(kw_only=True)
class AccountActivationChanged(DomainEvent):
    user_id: uuid.UUID
    active: bool
