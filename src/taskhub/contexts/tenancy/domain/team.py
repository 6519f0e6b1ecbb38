"""Teams: named groups of organization members, with leads."""

import enum
import uuid
from datetime import datetime

import attrs

from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.ids import new_id


class TeamRole(enum.StrEnum):
    LEAD = "lead"
    MEMBER = "member"


def _name(name: str) -> str:
    if not name.strip():
        raise ValidationFailed.single("name", "must not be blank")
    return name


@attrs.define(kw_only=True)
class Team:
    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    description: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    deleted_at: datetime | None = None

    @classmethod
    def create(cls, *, org_id: uuid.UUID, name: str, description: str, now: datetime) -> "Team":
        return cls(
            id=new_id(),
            org_id=org_id,
            name=_name(name),
            description=description,
            created_at=now,
            updated_at=now,
        )

    def change(
        self, *, name: str | None, description: str | None, now: datetime
    ) -> dict[str, tuple[str, str]]:
        if name is not None:
            _name(name)
        changes: dict[str, tuple[str, str]] = {}
        if name is not None and name != self.name:
            changes["name"] = (self.name, name)
            self.name = name
        if description is not None and description != self.description:
            changes["description"] = (self.description, description)
            self.description = description
        if changes:
            self.updated_at = now
            self.version += 1
        return changes

    def delete(self, now: datetime) -> None:
        self.deleted_at = now
        self.updated_at = now
        self.version += 1


@attrs.define(kw_only=True)
class TeamMember:
    team_id: uuid.UUID
    user_id: uuid.UUID
    role: TeamRole
    added_at: datetime
