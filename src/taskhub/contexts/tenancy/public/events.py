"""The integration events tenancy publishes on the bus (and partners receive as webhooks).

`type` is the routing key; `data` is the payload partners see, built from the classes
below, which are also its published JSON Schema (`shared_kernel.event_catalogue`): add
fields, never rename or remove them.
"""

import uuid
from datetime import datetime

import attrs

from taskhub.shared_kernel.event_catalogue import EventType

MEMBER_ADDED = "member.added"
MEMBER_ROLE_CHANGED = "member.role_changed"
MEMBER_REMOVED = "member.removed"
TEAM_CREATED = "team.created"
TEAM_UPDATED = "team.updated"
TEAM_DELETED = "team.deleted"
TEAM_MEMBER_ADDED = "team.member_added"
TEAM_MEMBER_ROLE_CHANGED = "team.member_role_changed"
TEAM_MEMBER_REMOVED = "team.member_removed"
INVITATION_CREATED = "invitation.created"
INVITATION_ACCEPTED = "invitation.accepted"
INVITATION_REVOKED = "invitation.revoked"


@attrs.frozen(kw_only=True)
class MemberData:
    """A membership; `role` is the member's role after the change (before, on removal)."""

    org_id: uuid.UUID
    user_id: uuid.UUID
    role: str


@attrs.frozen(kw_only=True)
class TeamData:
    id: uuid.UUID
    name: str
    description: str
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen(kw_only=True)
class TeamMemberData:
    team_id: uuid.UUID
    user_id: uuid.UUID
    role: str


@attrs.frozen(kw_only=True)
class TeamMemberRemovedData:
    team_id: uuid.UUID
    user_id: uuid.UUID


@attrs.frozen(kw_only=True)
class InvitationData:
    """An invitation as the API shows it; `accepted_by` is set once it was accepted."""

    id: uuid.UUID
    org_id: uuid.UUID
    email: str
    role: str
    status: str
    invited_by: uuid.UUID
    expires_at: datetime
    created_at: datetime
    accepted_by: uuid.UUID | None


CATALOGUE = (
    EventType(MEMBER_ADDED, MemberData, "A user joined the organization."),
    EventType(MEMBER_ROLE_CHANGED, MemberData, "A member's role in the organization changed."),
    EventType(MEMBER_REMOVED, MemberData, "A member left or was removed."),
    EventType(TEAM_CREATED, TeamData, "A team was created."),
    EventType(TEAM_UPDATED, TeamData, "A team changed."),
    EventType(TEAM_DELETED, TeamData, "A team was deleted."),
    EventType(TEAM_MEMBER_ADDED, TeamMemberData, "A member joined a team."),
    EventType(
        TEAM_MEMBER_ROLE_CHANGED, TeamMemberData, "A team member's role (lead or member) changed."
    ),
    EventType(TEAM_MEMBER_REMOVED, TeamMemberRemovedData, "A member left a team."),
    EventType(INVITATION_CREATED, InvitationData, "Someone was invited to join."),
    EventType(INVITATION_ACCEPTED, InvitationData, "An invitation was accepted."),
    EventType(INVITATION_REVOKED, InvitationData, "An invitation was revoked."),
)

PUBLISHED_TYPES = tuple(event_type.name for event_type in CATALOGUE)
