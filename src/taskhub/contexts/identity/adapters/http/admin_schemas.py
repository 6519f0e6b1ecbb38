"""Request and response bodies of the staff's account endpoints."""

import enum
import uuid
from datetime import datetime

import attrs

from taskhub.contexts.identity.public.email import EMAIL_MESSAGE, EMAIL_PATTERN
from taskhub.platform.http.fields import PartialUpdate, text


class ActiveFilter(enum.StrEnum):
    TRUE = "true"
    FALSE = "false"


@attrs.frozen
class AdminUserBody:
    """An account as staff see it."""

    id: uuid.UUID
    email: str
    name: str
    active: bool
    staff: bool
    email_verified: bool
    created_at: datetime
    last_login_at: datetime | None


@attrs.frozen
class CreateUserRequest:
    """Create an account; its owner gets an email with a link to choose a password."""

    email: str = text(
        min_length=3,
        max_length=254,
        pattern=EMAIL_PATTERN,
        pattern_message=EMAIL_MESSAGE,
        canonical=True,
        example="grace@example.com",
    )
    name: str = text(min_length=1, max_length=200, not_blank=True, example="Grace Hopper")


@attrs.frozen
class ChangeUserRequest(PartialUpdate):
    """Send only what changes; deactivation ends every session at once."""

    name: str | None = text(min_length=1, max_length=200, not_blank=True, default=None)
    active: bool | None = None
