"""Request and response bodies of the tenancy endpoints."""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.tenancy.domain.organization import SLUG_PATTERN, Plan
from taskhub.contexts.tenancy.domain.team import TeamRole
from taskhub.platform.http.fields import PartialUpdate, text
from taskhub.shared_kernel.roles import Role

_SLUG_TEXT = "3-63 of a-z, 0-9 and '-', starting and ending with a letter or digit."


@attrs.frozen
class CreateOrganizationRequest:
    name: str = text(min_length=1, max_length=200, not_blank=True, example="Acme")
    slug: str = text(
        min_length=3, max_length=63, pattern=SLUG_PATTERN, description=_SLUG_TEXT, example="acme"
    )


@attrs.frozen
class UpdateOrganizationRequest(PartialUpdate):
    name: str | None = text(min_length=1, max_length=200, not_blank=True, default=None)
    slug: str | None = text(
        min_length=3, max_length=63, pattern=SLUG_PATTERN, description=_SLUG_TEXT, default=None
    )


@attrs.frozen
class OrganizationBody:
    id: uuid.UUID
    name: str
    slug: str
    plan: Plan
    created_at: datetime
    version: int


@attrs.frozen
class MyOrganizationBody:
    """An organization the caller belongs to, with the caller's role in it."""

    id: uuid.UUID
    name: str
    slug: str
    plan: Plan
    created_at: datetime
    version: int
    role: Role


@attrs.frozen
class AddMemberRequest:
    role: Role
    email: str = text(min_length=3, max_length=254)


@attrs.frozen
class ChangeMemberRequest:
    role: Role


@attrs.frozen
class MemberBody:
    user_id: uuid.UUID
    email: str
    name: str
    role: Role
    joined_at: datetime


@attrs.frozen
class CreateTeamRequest:
    name: str = text(min_length=1, max_length=200, not_blank=True, canonical=True)
    description: str = text(max_length=20_000, default="")


@attrs.frozen
class UpdateTeamRequest(PartialUpdate):
    name: str | None = text(
        min_length=1, max_length=200, not_blank=True, canonical=True, default=None
    )
    description: str | None = text(max_length=20_000, default=None)


@attrs.frozen
class TeamBody:
    id: uuid.UUID
    name: str
    description: str
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen
class PutTeamMemberRequest:
    role: TeamRole


@attrs.frozen
class TeamMemberBody:
    user_id: uuid.UUID
    role: TeamRole
