"""Tenancy's endpoints: organizations, members, teams."""

from collections.abc import Sequence

from taskhub.contexts.tenancy.adapters.http.schemas import (
    AddMemberRequest,
    ChangeMemberRequest,
    CreateOrganizationRequest,
    CreateTeamRequest,
    MemberBody,
    MyOrganizationBody,
    OrganizationBody,
    PutTeamMemberRequest,
    TeamBody,
    TeamMemberBody,
    UpdateOrganizationRequest,
    UpdateTeamRequest,
)
from taskhub.contexts.tenancy.application.members import MemberService, MemberView
from taskhub.contexts.tenancy.application.organizations import (
    ChangeOrganization,
    OrganizationService,
)
from taskhub.contexts.tenancy.application.teams import ChangeTeam, TeamService
from taskhub.contexts.tenancy.domain.organization import Organization
from taskhub.contexts.tenancy.domain.team import Team, TeamMember
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.roles import Role


def org_body(org: Organization) -> OrganizationBody:
    return fields_from(OrganizationBody, org)


def member_body(view: MemberView) -> MemberBody:
    return MemberBody(
        user_id=view.membership.user_id,
        email=view.user.email,
        name=view.user.name,
        role=view.membership.role,
        joined_at=view.membership.joined_at,
    )


def team_body(team: Team) -> TeamBody:
    return fields_from(TeamBody, team)


def team_member_body(member: TeamMember) -> TeamMemberBody:
    return fields_from(TeamMemberBody, member)


class TenancyEndpoints:
    def __init__(
        self, *, organizations: OrganizationService, members: MemberService, teams: TeamService
    ) -> None:
        self._organizations = organizations
        self._members = members
        self._teams = teams

    # organizations
    def create_org(self, call: Call[CreateOrganizationRequest]) -> Reply:
        body = call.body
        org = self._organizations.found(call.user.user_id, name=body.name, slug=body.slug)
        return Reply(status=201, body=org_body(org))

    def list_orgs(self, call: Call[None]) -> Reply:
        page = self._organizations.page_mine(call.user.user_id, call.page)
        return Reply(
            body=page.map(
                lambda found: MyOrganizationBody(
                    id=found[0].id,
                    name=found[0].name,
                    slug=found[0].slug,
                    plan=found[0].plan,
                    created_at=found[0].created_at,
                    version=found[0].version,
                    role=found[1],
                )
            )
        )

    def get_org(self, call: Call[None]) -> Reply:
        return Reply(body=org_body(self._organizations.get(call.in_org)))

    def update_org(self, call: Call[UpdateOrganizationRequest]) -> Reply:
        body = call.body
        org = self._organizations.change(
            call.in_org,
            ChangeOrganization(name=body.name, slug=body.slug, expected_version=call.if_match),
        )
        return Reply(body=org_body(org))

    def delete_org(self, call: Call[None]) -> Reply:
        self._organizations.delete(call.in_org, call.if_match)
        return Reply(status=204)

    # members
    def list_members(self, call: Call[None]) -> Reply:
        page = self._members.page(call.in_org, call.page)
        return Reply(body=page.map(member_body))

    def add_member(self, call: Call[AddMemberRequest]) -> Reply:
        body = call.body
        view = self._members.add(call.in_org, email=body.email, role=body.role)
        return Reply(status=201, body=member_body(view))

    def change_member(self, call: Call[ChangeMemberRequest]) -> Reply:
        body = call.body
        view = self._members.change_role(call.in_org, call.params["user_id"], body.role)
        return Reply(body=member_body(view))

    def remove_member(self, call: Call[None]) -> Reply:
        self._members.remove(call.in_org, call.params["user_id"])
        return Reply(status=204)

    # teams
    def create_team(self, call: Call[CreateTeamRequest]) -> Reply:
        body = call.body
        team = self._teams.create(call.in_org, name=body.name, description=body.description)
        return Reply(status=201, body=team_body(team))

    def list_teams(self, call: Call[None]) -> Reply:
        page = self._teams.page(call.in_org, call.page)
        return Reply(body=page.map(team_body))

    def get_team(self, call: Call[None]) -> Reply:
        return Reply(body=team_body(self._teams.get(call.in_org, call.params["team_id"])))

    def update_team(self, call: Call[UpdateTeamRequest]) -> Reply:
        body = call.body
        team = self._teams.change(
            call.in_org,
            call.params["team_id"],
            ChangeTeam(
                name=body.name, description=body.description, expected_version=call.if_match
            ),
        )
        return Reply(body=team_body(team))

    def delete_team(self, call: Call[None]) -> Reply:
        self._teams.delete(call.in_org, call.params["team_id"], call.if_match)
        return Reply(status=204)

    def list_team_members(self, call: Call[None]) -> Reply:
        page = self._teams.page_members(call.in_org, call.params["team_id"], call.page)
        return Reply(body=page.map(team_member_body))

    def put_team_member(self, call: Call[PutTeamMemberRequest]) -> Reply:
        body = call.body
        member = self._teams.put_member(
            call.in_org, call.params["team_id"], call.params["user_id"], body.role
        )
        return Reply(body=team_member_body(member))

    def remove_team_member(self, call: Call[None]) -> Reply:
        self._teams.remove_member(call.in_org, call.params["team_id"], call.params["user_id"])
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        mine = Routes(tag="organizations")
        orgs = Routes.in_org(tag="organizations")
        members = Routes.in_org(tag="members")
        teams = Routes.in_org(tag="teams")
        return [
            mine.post(
                "/orgs",
                handler=self.create_org,
                body=CreateOrganizationRequest,
                name="create_org",
                summary="Create an organization (you become its owner)",
                response=OrganizationBody,
                status=201,
                errors=(409,),
            ),
            mine.get(
                "/orgs",
                handler=self.list_orgs,
                name="list_orgs",
                summary="Organizations you belong to",
                response=MyOrganizationBody,
                paginated=True,
            ),
            orgs.get(
                "",
                handler=self.get_org,
                name="get_org",
                summary="An organization",
                role=Role.VIEWER,
                response=OrganizationBody,
            ),
            orgs.patch(
                "",
                handler=self.update_org,
                body=UpdateOrganizationRequest,
                name="update_org",
                summary="Rename an organization",
                role=Role.OWNER,
                response=OrganizationBody,
                errors=(409,),
            ),
            orgs.delete(
                "",
                handler=self.delete_org,
                name="delete_org",
                summary="Delete an organization (soft)",
                role=Role.OWNER,
                status=204,
            ),
            members.get(
                "/members",
                handler=self.list_members,
                name="list_members",
                summary="Members",
                role=Role.VIEWER,
                response=MemberBody,
                paginated=True,
            ),
            members.post(
                "/members",
                handler=self.add_member,
                body=AddMemberRequest,
                name="add_member",
                summary="Add a registered user",
                role=Role.ADMIN,
                response=MemberBody,
                status=201,
                location="/members/{user_id}",
                errors=(409,),
            ),
            members.patch(
                "/members/{user_id:uuid}",
                handler=self.change_member,
                body=ChangeMemberRequest,
                name="change_member_role",
                summary="Change a member's role",
                role=Role.ADMIN,
                response=MemberBody,
                errors=(409,),
                description="Only an owner grants or removes the owner and admin roles.",
            ),
            members.delete(
                "/members/{user_id:uuid}",
                handler=self.remove_member,
                name="remove_member",
                summary="Remove a member",
                role=Role.ADMIN,
                status=204,
                errors=(409,),
            ),
            teams.post(
                "/teams",
                handler=self.create_team,
                body=CreateTeamRequest,
                name="create_team",
                summary="Create a team",
                role=Role.ADMIN,
                response=TeamBody,
                status=201,
                errors=(409,),
            ),
            teams.get(
                "/teams",
                handler=self.list_teams,
                name="list_teams",
                summary="Teams",
                role=Role.VIEWER,
                response=TeamBody,
                paginated=True,
            ),
            teams.get(
                "/teams/{team_id:uuid}",
                handler=self.get_team,
                name="get_team",
                summary="A team",
                role=Role.VIEWER,
                response=TeamBody,
            ),
            teams.patch(
                "/teams/{team_id:uuid}",
                handler=self.update_team,
                body=UpdateTeamRequest,
                name="update_team",
                summary="Change a team",
                role=Role.ADMIN,
                response=TeamBody,
                errors=(409,),
            ),
            teams.delete(
                "/teams/{team_id:uuid}",
                handler=self.delete_team,
                name="delete_team",
                summary="Delete a team",
                role=Role.ADMIN,
                status=204,
            ),
            teams.get(
                "/teams/{team_id:uuid}/members",
                handler=self.list_team_members,
                name="list_team_members",
                summary="A team's members",
                role=Role.VIEWER,
                response=TeamMemberBody,
                paginated=True,
            ),
            teams.put(
                "/teams/{team_id:uuid}/members/{user_id:uuid}",
                handler=self.put_team_member,
                body=PutTeamMemberRequest,
                name="put_team_member",
                summary="Add a member to a team or change their team role",
                role=Role.ADMIN,
                response=TeamMemberBody,
            ),
            teams.delete(
                "/teams/{team_id:uuid}/members/{user_id:uuid}",
                handler=self.remove_team_member,
                name="remove_team_member",
                summary="Remove from a team",
                role=Role.ADMIN,
                status=204,
            ),
        ]
