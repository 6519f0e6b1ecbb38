"""Tenancy's unit of work on SQL."""

import sqlalchemy as sa

from taskhub.contexts.tenancy.adapters.sql.invitations import SqlInvitationRepository
from taskhub.contexts.tenancy.adapters.sql.repositories import (
    SqlMembershipRepository,
    SqlOrganizationRepository,
    SqlTeamRepository,
)
from taskhub.platform.unit_of_work import SqlUnitOfWork


class SqlTenancyUnitOfWork(SqlUnitOfWork):
    organizations: SqlOrganizationRepository
    memberships: SqlMembershipRepository
    teams: SqlTeamRepository
    invitations: SqlInvitationRepository

    def _start(self, connection: sa.Connection) -> None:
        self.organizations = SqlOrganizationRepository(connection)
        self.memberships = SqlMembershipRepository(connection)
        self.teams = SqlTeamRepository(connection)
        self.invitations = SqlInvitationRepository(connection)
