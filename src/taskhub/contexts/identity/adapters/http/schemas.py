"""Request and response bodies of the identity endpoints.

The limits declared here validate requests and describe them in OpenAPI; the domain
still enforces its own rules (password policy, email shape) behind them.
"""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.identity.domain.password_policy import PASSWORD_PATTERN, STRENGTH_RULE
from taskhub.contexts.identity.public.email import EMAIL_MESSAGE, EMAIL_PATTERN
from taskhub.platform.http.fields import described, text
from taskhub.shared_kernel.roles import Role


@attrs.frozen
class RegisterRequest:
    """Create an account and sign in."""

    email: str = text(
        min_length=3,
        max_length=254,
        pattern=EMAIL_PATTERN,
        pattern_message=EMAIL_MESSAGE,
        canonical=True,
        description="An email address (name@domain.tld, no whitespace), compared ignoring case.",
        example="ada@example.com",
    )
    password: str = text(
        min_length=8,
        max_length=128,
        pattern=PASSWORD_PATTERN,
        pattern_message="must contain at least one letter and one digit",
        description=STRENGTH_RULE,
    )
    name: str = text(min_length=1, max_length=200, not_blank=True, example="Ada Lovelace")
    invitation_token: str | None = text(
        min_length=1,
        max_length=512,
        default=None,
        description="From an invitation email: the account is created verified and joins "
        "the organization (the email must be the invited one).",
    )


@attrs.frozen
class LoginRequest:
    email: str = text(min_length=1, max_length=254)
    password: str = text(min_length=1, max_length=1024)


@attrs.frozen
class RefreshRequest:
    """Omit the body to use the `taskhub_refresh` cookie instead."""

    refresh_token: str = text(min_length=1, max_length=512)


@attrs.frozen
class ChangePasswordRequest:
    current_password: str = text(min_length=1, max_length=1024)
    new_password: str = text(
        min_length=8,
        max_length=128,
        pattern=PASSWORD_PATTERN,
        pattern_message="must contain at least one letter and one digit",
        description=STRENGTH_RULE,
    )


@attrs.frozen
class UpdateMeRequest:
    name: str = text(min_length=1, max_length=200, not_blank=True)


@attrs.frozen
class UserBody:
    """A user as the user sees themself."""

    id: uuid.UUID
    email: str
    name: str
    created_at: datetime
    email_verified: bool = described("Whether the email was proven by a link sent to it.")


@attrs.frozen
class AuthResponse:
    user: UserBody
    access_token: str
    refresh_token: str
    token_type: str = described("Always `Bearer`.")
    expires_in: int = described("Seconds until the access token expires.")


@attrs.frozen
class SessionBody:
    """A live sign-in (refresh-token family)."""

    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    ip: str | None
    user_agent: str | None
    current: bool = described("True for the session the calling access token belongs to.")


@attrs.frozen
class CreateApiKeyRequest:
    name: str = text(min_length=1, max_length=200, not_blank=True)
    role: Role = described("At most your own role in the organization.")
    expires_at: datetime | None = described(
        "When the key stops working; never if omitted.", default=None
    )


@attrs.frozen
class ApiKeyBody:
    id: uuid.UUID
    name: str
    role: Role
    prefix: str
    expires_at: datetime | None
    created_at: datetime


@attrs.frozen
class CreatedApiKeyBody:
    """The new key; `key` is shown only in this response."""

    id: uuid.UUID
    name: str
    role: Role
    prefix: str
    key: str
    expires_at: datetime | None
    created_at: datetime
