"""Teams and their members."""

import uuid

import attrs

from taskhub.contexts.tenancy.application.ports import (
    TenancyUnitOfWork,
)
from taskhub.contexts.tenancy.domain.errors import TeamNameTaken
from taskhub.contexts.tenancy.domain.team import Team, TeamMember, TeamRole
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound, ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen
class ChangeTeam:
    name: str | None = None
    description: str | None = None
    expected_version: int | None = None


def team_not_found() -> NotFound:
    return NotFound("The team was not found.")


class TeamService:
    def __init__(self, *, uow: UnitOfWorkFactory[TenancyUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, actor: Actor, *, name: str, description: str) -> Team:
        team = Team.create(
            org_id=actor.org_id, name=name, description=description, now=self._clock.now()
        )
        with self._uow() as uow:
            if uow.teams.name_taken(actor.org_id, team.name, other_than=None):
                raise TeamNameTaken()
            uow.teams.add(team)
            uow.track(team)
            uow.commit()
        return team

    def page(self, actor: Actor, page: PageRequest) -> Page[Team]:
        with self._uow(read_only=True) as uow:
            return uow.teams.page(actor.org_id, page)

    def get(self, actor: Actor, team_id: uuid.UUID) -> Team:
        with self._uow(read_only=True) as uow:
            return self._team(uow, actor, team_id)

    def change(self, actor: Actor, team_id: uuid.UUID, command: ChangeTeam) -> Team:
        with self._uow() as uow:
            team = self._for_write(uow, actor, team_id, command.expected_version)
            if command.name is not None and uow.teams.name_taken(
                actor.org_id, command.name, other_than=team.id
            ):
                raise TeamNameTaken()
            now = self._clock.now()
            if team.change(name=command.name, description=command.description, now=now):
                uow.teams.update(team)
                uow.track(team)
                uow.commit()
        return team

    def delete(self, actor: Actor, team_id: uuid.UUID, expected_version: int | None) -> None:
        with self._uow() as uow:
            team = self._for_write(uow, actor, team_id, expected_version)
            now = self._clock.now()
            team.delete(now)
            uow.teams.update(team)
            uow.track(team)
            uow.commit()

    def page_members(self, actor: Actor, team_id: uuid.UUID, page: PageRequest) -> Page[TeamMember]:
        with self._uow(read_only=True) as uow:
            self._team(uow, actor, team_id)
            return uow.teams.page_members(actor.org_id, team_id, page)

    def put_member(
        self, actor: Actor, team_id: uuid.UUID, user_id: uuid.UUID, role: TeamRole
    ) -> TeamMember:
        with self._uow() as uow:
            team = self._team(uow, actor, team_id)
            if uow.memberships.get(actor.org_id, user_id) is None:
                raise ValidationFailed.single("user_id", "must be a member of the organization")
            existing = uow.teams.get_member(actor.org_id, team_id, user_id)
            member = team.put_member(existing, user_id, role, self._clock.now())
            uow.teams.put_member(actor.org_id, member)
            uow.track(team)
            uow.commit()
        return member

    def remove_member(self, actor: Actor, team_id: uuid.UUID, user_id: uuid.UUID) -> None:
        with self._uow() as uow:
            team = self._team(uow, actor, team_id)
            if not uow.teams.remove_member(actor.org_id, team_id, user_id):
                raise NotFound("The user is not in this team.")
            team.member_removed(user_id, self._clock.now())
            uow.track(team)
            uow.commit()

    @staticmethod
    def _for_write(
        uow: TenancyUnitOfWork, actor: Actor, team_id: uuid.UUID, expected_version: int | None
    ) -> Team:
        return load_for_write(
            lambda deleted: uow.teams.get(
                actor.org_id, team_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            team_not_found,
        )

    @staticmethod
    def _team(uow: TenancyUnitOfWork, actor: Actor, team_id: uuid.UUID) -> Team:
        team = uow.teams.get(actor.org_id, team_id)
        if team is None:
            raise team_not_found()
        return team
