"""Facts about accounts and credentials.

Account events go to the user's own security log (their audit facts name a user and
no organization); API-key events go to the organization's log.
"""

import uuid

import attrs

from taskhub.shared_kernel.events import AuditFacts, DomainEvent, OrgEvent


@attrs.frozen(kw_only=True)
class AccountEvent(DomainEvent):
    """An event of one user's account, for that user's security log."""

    user_id: uuid.UUID

    action = ""
    entity_type = "user"

    def _entity_id(self) -> uuid.UUID:
        return self.user_id

    def _changes(self) -> dict[str, tuple[object, object]]:
        return {}

    def audit_facts(self) -> AuditFacts:
        return AuditFacts(
            action=self.action,
            entity_type=self.entity_type,
            entity_id=self._entity_id(),
            user_id=self.user_id,
            changes=self._changes(),
        )


@attrs.frozen(kw_only=True)
class UserRegistered(AccountEvent):
    email: str
    action = "user.registered"

    def _changes(self) -> dict[str, tuple[object, object]]:
        return {"email": (None, self.email)}


@attrs.frozen(kw_only=True)
class UserSignedIn(AccountEvent):
    session_id: uuid.UUID
    action = "user.signed_in"
    entity_type = "session"

    def _entity_id(self) -> uuid.UUID:
        return self.session_id


@attrs.frozen(kw_only=True)
class SignInFailed(AccountEvent):
    action = "user.sign_in_failed"


@attrs.frozen(kw_only=True)
class PasswordChanged(AccountEvent):
    action = "user.password_changed"


@attrs.frozen(kw_only=True)
class ProfileUpdated(AccountEvent):
    changes: dict[str, tuple[str, str]]
    action = "user.updated"

    def _changes(self) -> dict[str, tuple[object, object]]:
        return dict(self.changes)


@attrs.frozen(kw_only=True)
class SessionRevoked(AccountEvent):
    session_id: uuid.UUID
    reason: str
    action = "session.revoked"
    entity_type = "session"

    def _entity_id(self) -> uuid.UUID:
        return self.session_id

    def _changes(self) -> dict[str, tuple[object, object]]:
        return {"revoked_reason": (None, self.reason)}


@attrs.frozen(kw_only=True)
class RefreshTokenReused(AccountEvent):
    session_id: uuid.UUID
    action = "session.refresh_token_reused"
    entity_type = "session"

    def _entity_id(self) -> uuid.UUID:
        return self.session_id


@attrs.frozen(kw_only=True)
class AccountActivationChanged(AccountEvent):
    active: bool

    @property
    def action(self) -> str:  # type: ignore[override]
        return "user.activated" if self.active else "user.deactivated"

    def _changes(self) -> dict[str, tuple[object, object]]:
        return {"active": (not self.active, self.active)}


@attrs.frozen(kw_only=True)
class PasswordResetRequested(AccountEvent):
    action = "user.password_reset_requested"


@attrs.frozen(kw_only=True)
class PasswordReset(AccountEvent):
    action = "user.password_reset"


@attrs.frozen(kw_only=True)
class EmailVerified(AccountEvent):
    action = "user.email_verified"

    def _changes(self) -> dict[str, tuple[object, object]]:
        return {"email_verified": (False, True)}


@attrs.frozen(kw_only=True)
class ApiKeyCreated(OrgEvent):
    """`entity_id` is the key; its name and role are the changes, never its secret."""

    action = "api_key.created"
    entity_type = "api_key"


@attrs.frozen(kw_only=True)
class ApiKeyRevoked(OrgEvent):
    action = "api_key.revoked"
    entity_type = "api_key"
