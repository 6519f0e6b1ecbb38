"""Teams: named groups of organization members, with leads."""

import enum
import uuid
from datetime import datetime

import attrs

from taskhub.contexts.tenancy.domain.events import (
    TeamCreated,
    TeamDeleted,
    TeamMemberAdded,
    TeamMemberRemoved,
    TeamMemberRoleChanged,
    TeamUpdated,
)
from taskhub.contexts.tenancy.public.events import TeamData
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.versioned_aggregate import VersionedAggregate


class TeamRole(enum.StrEnum):
    LEAD = "lead"
    MEMBER = "member"


def _name(name: str) -> str:
    if not name.strip():
        raise ValidationFailed.single("name", "must not be blank")
    return name


@attrs.define(kw_only=True)
class TeamMember:
    team_id: uuid.UUID
    user_id: uuid.UUID
    role: TeamRole
    added_at: datetime


@attrs.define(kw_only=True)
class Team(VersionedAggregate):
    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    description: str
    created_at: datetime

    @classmethod
    def create(cls, *, org_id: uuid.UUID, name: str, description: str, now: datetime) -> "Team":
        team = cls(
            id=new_id(),
            org_id=org_id,
            name=_name(name),
            description=description,
            created_at=now,
            updated_at=now,
        )
        team.record(
            TeamCreated(
                event_id=new_id(),
                occurred_at=now,
                org_id=org_id,
                entity_id=team.id,
                changes={"name": (None, team.name), "description": (None, description)},
                team=team.view(),
            )
        )
        return team

    def change(
        self, *, name: str | None, description: str | None, now: datetime
    ) -> dict[str, tuple[str, str]]:
        if name is not None:
            _name(name)
        changes = self._apply({"name": name, "description": description}, now)
        if changes:
            self.record(
                TeamUpdated(
                    event_id=new_id(),
                    occurred_at=now,
                    org_id=self.org_id,
                    entity_id=self.id,
                    changes=changes,
                    team=self.view(),
                )
            )
        return changes

    def delete(self, now: datetime) -> None:
        self._mark_deleted(now)
        self.record(
            TeamDeleted(
                event_id=new_id(),
                occurred_at=now,
                org_id=self.org_id,
                entity_id=self.id,
                team=self.view(),
            )
        )

    def view(self) -> TeamData:
        """The team as the API shows it, as its events publish it."""
        return fields_from(TeamData, self)

    def put_member(
        self, existing: TeamMember | None, user_id: uuid.UUID, role: TeamRole, now: datetime
    ) -> TeamMember:
        """The member with this team role (joining now, or keeping when they joined)."""
        old_role = existing.role.value if existing else None
        if old_role != role.value:
            event = TeamMemberAdded if existing is None else TeamMemberRoleChanged
            self.record(
                event(
                    event_id=new_id(),
                    occurred_at=now,
                    org_id=self.org_id,
                    entity_id=self.id,
                    user_id=user_id,
                    role=role.value,
                    changes={f"members.{user_id}": (old_role, role.value)},
                )
            )
        return TeamMember(
            team_id=self.id,
            user_id=user_id,
            role=role,
            added_at=existing.added_at if existing else now,
        )

    def member_removed(self, user_id: uuid.UUID, now: datetime) -> None:
        self.record(
            TeamMemberRemoved(
                event_id=new_id(),
                occurred_at=now,
                org_id=self.org_id,
                entity_id=self.id,
                user_id=user_id,
                changes={f"members.{user_id}": ("member", None)},
            )
        )
