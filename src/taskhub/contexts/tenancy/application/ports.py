"""What tenancy's use cases need from storage."""

import uuid
from collections.abc import Collection
from typing import Protocol

from taskhub.contexts.tenancy.application.invitation_ports import InvitationRepository
from taskhub.contexts.tenancy.domain.membership import Membership
from taskhub.contexts.tenancy.domain.organization import Organization
from taskhub.contexts.tenancy.domain.team import Team, TeamMember
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWork


class OrganizationRepository(Protocol):
    def add(self, org: Organization) -> None:
        """Raise SlugTaken if the slug is in use (deleted organizations keep theirs)."""
        ...

    def get(self, org_id: uuid.UUID, *, for_update: bool = False) -> Organization | None:
        """A live (not deleted) organization; `for_update` locks it until commit."""
        ...

    def update(self, org: Organization) -> None:
        """Write it back over the version it was read at (PreconditionFailed if that moved);
        raise SlugTaken if the new slug is in use."""
        ...

    def page_for_user(
        self, user_id: uuid.UUID, page: PageRequest
    ) -> Page[tuple[Organization, Role]]: ...


class MembershipRepository(Protocol):
    def add(self, membership: Membership) -> None: ...

    def get(self, org_id: uuid.UUID, user_id: uuid.UUID) -> Membership | None: ...

    def update(self, membership: Membership) -> None: ...

    def remove(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None: ...

    def count_owners(self, org_id: uuid.UUID) -> int: ...

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Membership]:
        """By join time, then user id."""
        ...

    def role_of(self, org_id: uuid.UUID, user_id: uuid.UUID) -> Role | None:
        """The user's role in a live organization; None for non-members and deleted orgs."""
        ...

    def members_among(
        self, org_id: uuid.UUID, user_ids: Collection[uuid.UUID]
    ) -> frozenset[uuid.UUID]:
        """Those of the users who are members of the live organization, in one statement."""
        ...


class TeamRepository(Protocol):
    def add(self, team: Team) -> None:
        """Raise TeamNameTaken if a live team of the organization has the name."""
        ...

    def get(
        self,
        org_id: uuid.UUID,
        team_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Team | None:
        """A live team of that organization (`include_deleted`: or a deleted one);
        `for_update` locks it until this unit of work ends."""
        ...

    def update(self, team: Team) -> None:
        """Write it back over the version it was read at (PreconditionFailed if that moved);
        raise TeamNameTaken if a live team of the organization has the new name."""
        ...

    def name_taken(self, org_id: uuid.UUID, name: str, *, other_than: uuid.UUID | None) -> bool:
        """Whether a live team of the organization has this name, ignoring case."""
        ...

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Team]: ...

    def get_member(
        self, org_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> TeamMember | None: ...

    def put_member(self, org_id: uuid.UUID, member: TeamMember) -> None:
        """Insert or replace, in the team's organization."""
        ...

    def remove_member(self, org_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID) -> bool: ...

    def remove_from_all_teams(self, org_id: uuid.UUID, user_id: uuid.UUID) -> None: ...

    def page_members(
        self, org_id: uuid.UUID, team_id: uuid.UUID, page: PageRequest
    ) -> Page[TeamMember]: ...


class TenancyUnitOfWork(UnitOfWork, Protocol):
    organizations: OrganizationRepository
    memberships: MembershipRepository
    teams: TeamRepository
    invitations: InvitationRepository
