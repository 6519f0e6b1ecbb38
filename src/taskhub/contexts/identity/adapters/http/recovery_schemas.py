"""Request and response bodies of password reset and email verification."""

import attrs

from taskhub.platform.http.fields import described, text

_STRENGTH_RULE = "8-128 characters with at least one letter and one digit."


@attrs.frozen
class PasswordResetRequest:
    email: str = text(min_length=1, max_length=254, example="ada@example.com")


@attrs.frozen
class PasswordResetConfirmRequest:
    token: str = text(min_length=1, max_length=512)
    new_password: str = text(min_length=8, max_length=128, description=_STRENGTH_RULE)


@attrs.frozen
class VerifyEmailRequest:
    token: str = text(min_length=1, max_length=512)


@attrs.frozen
class AcceptedBody:
    """The request was taken; what follows happens by email."""

    detail: str = described("What happens next, in words.")
