"""SQL repositories for organizations, memberships and teams."""

import uuid
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.tenancy.adapters.sql.tables import (
    memberships,
    organizations,
    team_members,
    teams,
)
from taskhub.contexts.tenancy.domain.errors import SlugTaken, TeamNameTaken
from taskhub.contexts.tenancy.domain.membership import Membership
from taskhub.contexts.tenancy.domain.organization import Organization, Plan
from taskhub.contexts.tenancy.domain.team import Team, TeamMember, TeamRole
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.sql_unique import unique_or
from taskhub.platform.versioned_rows import VersionedRows
from taskhub.shared_kernel.canonical_text import canonical
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.roles import Role


def _org(row: Any) -> Organization:
    return Organization(
        id=row.id,
        name=row.name,
        slug=row.slug,
        plan=Plan(row.plan),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


def _org_values(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "slug": org.slug,
        "plan": org.plan.value,
        "updated_at": org.updated_at,
        "version": org.version,
        "deleted_at": org.deleted_at,
    }


class SqlOrganizationRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, organizations)

    def add(self, org: Organization) -> None:
        with unique_or(self._connection, SlugTaken):
            self._connection.execute(
                organizations.insert().values(
                    id=org.id, created_at=org.created_at, **_org_values(org)
                )
            )
        self._rows.inserted(org.id, org.version)

    def get(self, org_id: uuid.UUID, *, for_update: bool = False) -> Organization | None:
        query = sa.select(organizations).where(
            organizations.c.id == org_id, organizations.c.deleted_at.is_(None)
        )
        row = self._connection.execute(self._rows.locked(query, for_update=for_update)).first()
        return _org(self._rows.read(row)) if row else None

    def update(self, org: Organization) -> None:
        with unique_or(self._connection, SlugTaken):
            self._rows.update(org.id, _org_values(org))

    def page_for_user(
        self, user_id: uuid.UUID, page: PageRequest
    ) -> Page[tuple[Organization, Role]]:
        query = (
            sa.select(organizations, memberships.c.role.label("member_role"))
            .join(memberships, memberships.c.org_id == organizations.c.id)
            .where(memberships.c.user_id == user_id, organizations.c.deleted_at.is_(None))
        )
        return keyset_page(
            self._connection,
            query,
            [organizations.c.created_at, organizations.c.id],
            page,
            lambda row: (_org(row), Role(row.member_role)),
        )


def _membership(row: Any) -> Membership:
    return Membership(
        org_id=row.org_id, user_id=row.user_id, role=Role(row.role), joined_at=row.joined_at
    )


# Asked on every request under /orgs/{org_id}: built once, so a request pays only to run it.
_ROLE_OF = (
    sa.select(memberships.c.role)
    .join(organizations, organizations.c.id == memberships.c.org_id)
    .where(
        memberships.c.org_id == sa.bindparam("org_id"),
        memberships.c.user_id == sa.bindparam("user_id"),
        organizations.c.deleted_at.is_(None),
    )
)


class SqlMembershipRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(self, membership: Membership) -> None:
        self._connection.execute(
            memberships.insert().values(
                org_id=membership.org_id,
                user_id=membership.user_id,
                role=membership.role.value,
                joined_at=membership.joined_at,
            )
        )

    def _key(self, org_id: uuid.UUID, user_id: uuid.UUID) -> sa.ColumnElement[bool]:
        return sa.and_(memberships.c.org_id == org_id, memberships.c.user_id == user_id)

    def get(self, org_id: uuid.UUID, user_id: uuid.UUID) -> Membership | None:
        row = self._connection.execute(
            sa.select(memberships).where(self._key(org_id, user_id))
        ).first()
        return _membership(row) if row else None

    def update(self, membership: Membership) -> None:
        self._connection.execute(
            memberships.update()
            .where(self._key(membership.org_id, membership.user_id))
            .values(role=membership.role.value)
        )

    def remove(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self._connection.execute(memberships.delete().where(self._key(org_id, user_id)))

    def count_owners(self, org_id: uuid.UUID) -> int:
        return int(
            self._connection.execute(
                sa.select(sa.func.count()).where(
                    memberships.c.org_id == org_id, memberships.c.role == Role.OWNER.value
                )
            ).scalar_one()
        )

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Membership]:
        query = sa.select(memberships).where(memberships.c.org_id == org_id)
        return keyset_page(
            self._connection,
            query,
            [memberships.c.joined_at, memberships.c.user_id],
            page,
            _membership,
        )

    def role_of(self, org_id: uuid.UUID, user_id: uuid.UUID) -> Role | None:
        role = self._connection.execute(
            _ROLE_OF, {"org_id": org_id, "user_id": user_id}
        ).scalar_one_or_none()
        return Role(role) if role is not None else None

    def members_among(
        self, org_id: uuid.UUID, user_ids: Collection[uuid.UUID]
    ) -> frozenset[uuid.UUID]:
        rows = self._connection.execute(
            sa.select(memberships.c.user_id)
            .join(organizations, organizations.c.id == memberships.c.org_id)
            .where(
                memberships.c.org_id == org_id,
                memberships.c.user_id.in_(sa.bindparam("user_ids", expanding=True)),
                organizations.c.deleted_at.is_(None),
            ),
            {"user_ids": list(user_ids)},
        )
        return frozenset(rows.scalars())


def _team(row: Any) -> Team:
    return Team(
        id=row.id,
        org_id=row.org_id,
        name=row.name,
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


def _team_member(row: Any) -> TeamMember:
    return TeamMember(
        team_id=row.team_id, user_id=row.user_id, role=TeamRole(row.role), added_at=row.added_at
    )


class SqlTeamRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = VersionedRows(connection, teams)

    def _values(self, team: Team) -> dict[str, Any]:
        return {
            "name": team.name,
            "name_canonical": canonical(team.name),
            "description": team.description,
            "updated_at": team.updated_at,
            "version": team.version,
            "deleted_at": team.deleted_at,
        }

    def add(self, team: Team) -> None:
        with unique_or(self._connection, TeamNameTaken):
            self._connection.execute(
                teams.insert().values(
                    id=team.id,
                    org_id=team.org_id,
                    created_at=team.created_at,
                    **self._values(team),
                )
            )
        self._rows.inserted(team.id, team.version, team.org_id)

    def get(
        self,
        org_id: uuid.UUID,
        team_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Team | None:
        query = sa.select(teams).where(teams.c.id == team_id, teams.c.org_id == org_id)
        row = self._rows.one(query, include_deleted=include_deleted, for_update=for_update)
        return _team(row) if row else None

    def update(self, team: Team) -> None:
        with unique_or(self._connection, TeamNameTaken):
            self._rows.update(team.id, self._values(team))

    def name_taken(self, org_id: uuid.UUID, name: str, *, other_than: uuid.UUID | None) -> bool:
        query = sa.select(teams.c.id).where(
            teams.c.org_id == org_id,
            teams.c.name_canonical == canonical(name),
            teams.c.deleted_at.is_(None),
        )
        if other_than is not None:
            query = query.where(teams.c.id != other_than)
        return self._connection.execute(query.limit(1)).first() is not None

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Team]:
        query = sa.select(teams).where(teams.c.org_id == org_id, teams.c.deleted_at.is_(None))
        return keyset_page(self._connection, query, [teams.c.created_at, teams.c.id], page, _team)

    @staticmethod
    def _of_team(org_id: uuid.UUID, team_id: uuid.UUID) -> sa.ColumnElement[bool]:
        return sa.and_(team_members.c.org_id == org_id, team_members.c.team_id == team_id)

    def _member_key(
        self, org_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> sa.ColumnElement[bool]:
        return sa.and_(self._of_team(org_id, team_id), team_members.c.user_id == user_id)

    def get_member(
        self, org_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> TeamMember | None:
        row = self._connection.execute(
            sa.select(team_members).where(self._member_key(org_id, team_id, user_id))
        ).first()
        return _team_member(row) if row else None

    def put_member(self, org_id: uuid.UUID, member: TeamMember) -> None:
        updated = self._connection.execute(
            team_members.update()
            .where(self._member_key(org_id, member.team_id, member.user_id))
            .values(role=member.role.value)
        )
        if updated.rowcount == 0:
            self._connection.execute(
                team_members.insert().values(
                    org_id=org_id,
                    team_id=member.team_id,
                    user_id=member.user_id,
                    role=member.role.value,
                    added_at=member.added_at,
                )
            )

    def remove_member(self, org_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        result = self._connection.execute(
            team_members.delete().where(self._member_key(org_id, team_id, user_id))
        )
        return result.rowcount > 0

    def remove_from_all_teams(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self._connection.execute(
            team_members.delete().where(
                team_members.c.org_id == org_id, team_members.c.user_id == user_id
            )
        )

    def page_members(
        self, org_id: uuid.UUID, team_id: uuid.UUID, page: PageRequest
    ) -> Page[TeamMember]:
        query = sa.select(team_members).where(self._of_team(org_id, team_id))
        return keyset_page(
            self._connection,
            query,
            [team_members.c.added_at, team_members.c.user_id],
            page,
            _team_member,
        )
