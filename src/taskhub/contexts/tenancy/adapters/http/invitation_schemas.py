"""Request and response bodies of the invitation endpoints."""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.identity.public.email import EMAIL_MESSAGE, EMAIL_PATTERN
from taskhub.contexts.tenancy.domain.invitation import InvitationStatus
from taskhub.platform.http.fields import text
from taskhub.shared_kernel.roles import Role


@attrs.frozen
class CreateInvitationRequest:
    """Invite someone by email; only an owner invites an owner or an admin."""

    role: Role
    email: str = text(
        min_length=3,
        max_length=254,
        pattern=EMAIL_PATTERN,
        pattern_message=EMAIL_MESSAGE,
        canonical=True,
        example="grace@example.com",
    )


@attrs.frozen
class InvitationBody:
    id: uuid.UUID
    email: str
    role: Role
    status: InvitationStatus
    invited_by: uuid.UUID
    expires_at: datetime
    created_at: datetime


@attrs.frozen
class AcceptInvitationRequest:
    """The token from the invitation email."""

    token: str = text(min_length=1, max_length=512)


@attrs.frozen
class JoinedBody:
    org_id: uuid.UUID
    role: Role
