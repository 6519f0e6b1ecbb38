"""Tenancy's events: every change to an organization, its members and teams is audited;
members joining and leaving are also published."""

import attrs

from taskhub.contexts.tenancy.public.events import MEMBER_ADDED, MEMBER_REMOVED
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
    """A member joining or leaving: audited and published; `entity_id` is the user."""

    role: str
    published_type = ""

    def integration_event(self) -> IntegrationEvent:
        return IntegrationEvent(
            event_id=self.event_id,
            type=self.published_type,
            org_id=self.org_id,
            occurred_at=self.occurred_at,
            ordering_key=str(self.entity_id),
            data={"org_id": str(self.org_id), "user_id": str(self.entity_id), "role": self.role},
        )


@attrs.frozen(kw_only=True)
class MemberAdded(MembershipEvent):
    action = "member.added"
    entity_type = "member"
    published_type = MEMBER_ADDED


@attrs.frozen(kw_only=True)
class MemberRoleChanged(OrgEvent):
    action = "member.role_changed"
    entity_type = "member"


@attrs.frozen(kw_only=True)
class MemberRemoved(MembershipEvent):
    action = "member.removed"
    entity_type = "member"
    published_type = MEMBER_REMOVED


@attrs.frozen(kw_only=True)
class TeamCreated(OrgEvent):
    action = "team.created"
    entity_type = "team"


@attrs.frozen(kw_only=True)
class TeamUpdated(OrgEvent):
    action = "team.updated"
    entity_type = "team"


@attrs.frozen(kw_only=True)
class TeamDeleted(OrgEvent):
    action = "team.deleted"
    entity_type = "team"


@attrs.frozen(kw_only=True)
class TeamMemberSet(OrgEvent):
    """`entity_id` is the team; `changes` says whose role became what."""

    action = "team.member_set"
    entity_type = "team"


@attrs.frozen(kw_only=True)
class TeamMemberRemoved(OrgEvent):
    action = "team.member_removed"
    entity_type = "team"
