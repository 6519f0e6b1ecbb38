"""Tenancy's events: every change to an organization, its members and teams is audited;
every change to members and teams is also published, its `data` built from the classes
in `public/events.py`."""

import uuid
from typing import ClassVar

import attrs

from taskhub.contexts.tenancy.public.events import (
    MEMBER_ADDED,
    MEMBER_REMOVED,
    MEMBER_ROLE_CHANGED,
    TEAM_CREATED,
    TEAM_DELETED,
    TEAM_MEMBER_ADDED,
    TEAM_MEMBER_REMOVED,
    TEAM_MEMBER_ROLE_CHANGED,
    TEAM_UPDATED,
    MemberData,
    TeamData,
    TeamMemberData,
    TeamMemberRemovedData,
)
from taskhub.shared_kernel.events import IntegrationEvent, OrgEvent


@attrs.frozen(kw_only=True)
class OrganizationCreated(OrgEvent):
    action = "organization.created"
    entity_type = "organization"


@attrs.frozen(kw_only=True)
class OrganizationUpdated(OrgEvent):
    action = "organization.updated"
    entity_type = "organization"


@attrs.frozen(kw_only=True)
class OrganizationDeleted(OrgEvent):
    action = "organization.deleted"
    entity_type = "organization"


@attrs.frozen(kw_only=True)
class MembershipEvent(OrgEvent):
    """A member joining, changing role or leaving: audited and published; `entity_id` is
    the user, `role` the role after the change (the one they had, when they leave)."""

    role: str
    entity_type = "member"

    def integration_event(self) -> IntegrationEvent:
        data = MemberData(org_id=self.org_id, user_id=self.entity_id, role=self.role)
        return self.published(self.action, data)


@attrs.frozen(kw_only=True)
class MemberAdded(MembershipEvent):
    action = MEMBER_ADDED


@attrs.frozen(kw_only=True)
class MemberRoleChanged(MembershipEvent):
    action = MEMBER_ROLE_CHANGED


@attrs.frozen(kw_only=True)
class MemberRemoved(MembershipEvent):
    action = MEMBER_REMOVED


@attrs.frozen(kw_only=True)
class TeamEvent(OrgEvent):
    """A fact about one team, published with the team as the API shows it after it."""

    team: TeamData
    entity_type = "team"

    def integration_event(self) -> IntegrationEvent:
        return self.published(self.action, self.team)


@attrs.frozen(kw_only=True)
class TeamCreated(TeamEvent):
    action = TEAM_CREATED


@attrs.frozen(kw_only=True)
class TeamUpdated(TeamEvent):
    action = TEAM_UPDATED


@attrs.frozen(kw_only=True)
class TeamDeleted(TeamEvent):
    action = TEAM_DELETED


@attrs.frozen(kw_only=True)
class TeamMemberSet(OrgEvent):
    """`entity_id` is the team; `changes` says whose role became what. Audited as one
    action; published as the user joining the team or changing role in it."""

    user_id: uuid.UUID
    role: str
    action = "team.member_set"
    entity_type = "team"
    published_type: ClassVar[str] = ""

    def integration_event(self) -> IntegrationEvent:
        data = TeamMemberData(team_id=self.entity_id, user_id=self.user_id, role=self.role)
        return self.published(self.published_type, data)


@attrs.frozen(kw_only=True)
class TeamMemberAdded(TeamMemberSet):
    published_type = TEAM_MEMBER_ADDED


@attrs.frozen(kw_only=True)
class TeamMemberRoleChanged(TeamMemberSet):
    published_type = TEAM_MEMBER_ROLE_CHANGED


@attrs.frozen(kw_only=True)
class TeamMemberRemoved(OrgEvent):
    user_id: uuid.UUID
    action = TEAM_MEMBER_REMOVED
    entity_type = "team"

    def integration_event(self) -> IntegrationEvent:
        data = TeamMemberRemovedData(team_id=self.entity_id, user_id=self.user_id)
        return self.published(TEAM_MEMBER_REMOVED, data)
