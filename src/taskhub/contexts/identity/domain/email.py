"""Email addresses: compared case-insensitively, stored as given."""

import re

from taskhub.contexts.identity.public.email import EMAIL_MESSAGE, EMAIL_PATTERN
from taskhub.shared_kernel.canonical_text import canonical, canonical_too_long
from taskhub.shared_kernel.errors import ValidationFailed

MAX_EMAIL_LENGTH = 254
_EMAIL = re.compile(EMAIL_PATTERN)


def canonical_email(raw: str) -> str:
    """The form uniqueness is checked on (and stored in `email_canonical`)."""
    return canonical(raw)


def validated_email(raw: str, field: str = "email") -> str:
    email = raw.strip()
    if not email:
        raise ValidationFailed.single(field, "must not be empty")
    if len(email) > MAX_EMAIL_LENGTH:
        raise ValidationFailed.single(field, f"must be at most {MAX_EMAIL_LENGTH} characters")
    too_long = canonical_too_long(email, MAX_EMAIL_LENGTH)
    if too_long:
        raise ValidationFailed.single(field, too_long)
    if not _EMAIL.fullmatch(email):
        raise ValidationFailed.single(field, EMAIL_MESSAGE)
    return email
