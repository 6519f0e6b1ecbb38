"""Request and response bodies of password reset and email verification."""

import attrs

from taskhub.contexts.identity.domain.password_policy import PASSWORD_PATTERN, STRENGTH_RULE
from taskhub.platform.http.fields import described, text


@attrs.frozen
class PasswordResetRequest:
    email: str = text(min_length=1, max_length=254, example="ada@example.com")


@attrs.frozen
class PasswordResetConfirmRequest:
    token: str = text(min_length=1, max_length=512)
    new_password: str = text(
        min_length=8,
        max_length=128,
        pattern=PASSWORD_PATTERN,
        pattern_message="must contain at least one letter and one digit",
        description=STRENGTH_RULE,
    )


@attrs.frozen
class VerifyEmailRequest:
    token: str = text(min_length=1, max_length=512)


@attrs.frozen
class AcceptedBody:
    """The request was taken; what follows happens by email."""

    detail: str = described("What happens next, in words.")
