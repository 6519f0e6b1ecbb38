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
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.shared_kernel.pagination import Page
from taskhub.shared_kernel.roles import Role

ORG = "/api/v1/orgs/{org_id:uuid}"


def org_body(org: Organization) -> OrganizationBody:
    return OrganizationBody(
        id=org.id,
        name=org.name,
        slug=org.slug,
        plan=org.plan,
        created_at=org.created_at,
        version=org.version,
    )


def member_body(view: MemberView) -> MemberBody:
    return MemberBody(
        user_id=view.membership.user_id,
        email=view.user.email,
        name=view.user.name,
        role=view.membership.role,
        joined_at=view.membership.joined_at,
    )


def team_body(team: Team) -> TeamBody:
    return TeamBody(
        id=team.id,
        name=team.name,
        description=team.description,
        created_at=team.created_at,
        updated_at=team.updated_at,
        version=team.version,
    )


def team_member_body(member: TeamMember) -> TeamMemberBody:
    return TeamMemberBody(user_id=member.user_id, role=member.role)


class TenancyEndpoints:
    def __init__(
        self, *, organizations: OrganizationService, members: MemberService, teams: TeamService
    ) -> None:
        self._organizations = organizations
        self._members = members
        self._teams = teams

    # organizations
    def create_org(self, call: Call) -> Reply:
        body: CreateOrganizationRequest = call.body
        org = self._organizations.found(call.user.user_id, name=body.name, slug=body.slug)
        return Reply(status=201, body=org_body(org))

    def list_orgs(self, call: Call) -> Reply:
        page = self._organizations.list_mine(call.user.user_id, call.page)
        items = [
            MyOrganizationBody(
                id=o.id,
                name=o.name,
                slug=o.slug,
                plan=o.plan,
                created_at=o.created_at,
                version=o.version,
                role=role,
            )
            for o, role in page.items
        ]
        return Reply(body=Page(items=items, next_after=page.next_after))

    def get_org(self, call: Call) -> Reply:
        return Reply(body=org_body(self._organizations.get(call.in_org)))

    def update_org(self, call: Call) -> Reply:
        body: UpdateOrganizationRequest = call.body
        org = self._organizations.change(
            call.in_org,
            ChangeOrganization(name=body.name, slug=body.slug, expected_version=call.if_match),
        )
        return Reply(body=org_body(org))

    def delete_org(self, call: Call) -> Reply:
        self._organizations.delete(call.in_org, call.if_match)
        return Reply(status=204)

    # members
    def list_members(self, call: Call) -> Reply:
        page = self._members.list(call.in_org, call.page)
        return Reply(
            body=Page(items=[member_body(v) for v in page.items], next_after=page.next_after)
        )

    def add_member(self, call: Call) -> Reply:
        body: AddMemberRequest = call.body
        view = self._members.add(call.in_org, email=body.email, role=body.role)
        return Reply(status=201, body=member_body(view))

    def change_member(self, call: Call) -> Reply:
        body: ChangeMemberRequest = call.body
        view = self._members.change_role(call.in_org, call.params["user_id"], body.role)
        return Reply(body=member_body(view))

    def remove_member(self, call: Call) -> Reply:
        self._members.remove(call.in_org, call.params["user_id"])
        return Reply(status=204)

    # teams
    def create_team(self, call: Call) -> Reply:
        body: CreateTeamRequest = call.body
        team = self._teams.create(call.in_org, name=body.name, description=body.description)
        return Reply(status=201, body=team_body(team))

    def list_teams(self, call: Call) -> Reply:
        page = self._teams.list(call.in_org, call.page)
        return Reply(
            body=Page(items=[team_body(t) for t in page.items], next_after=page.next_after)
        )

    def get_team(self, call: Call) -> Reply:
        return Reply(body=team_body(self._teams.get(call.in_org, call.params["team_id"])))

    def update_team(self, call: Call) -> Reply:
        body: UpdateTeamRequest = call.body
        team = self._teams.change(
            call.in_org,
            call.params["team_id"],
            ChangeTeam(
                name=body.name, description=body.description, expected_version=call.if_match
            ),
        )
        return Reply(body=team_body(team))

    def delete_team(self, call: Call) -> Reply:
        self._teams.delete(call.in_org, call.params["team_id"], call.if_match)
        return Reply(status=204)

    def list_team_members(self, call: Call) -> Reply:
        page = self._teams.list_members(call.in_org, call.params["team_id"], call.page)
        return Reply(
            body=Page(items=[team_member_body(m) for m in page.items], next_after=page.next_after)
        )

    def put_team_member(self, call: Call) -> Reply:
        body: PutTeamMemberRequest = call.body
        member = self._teams.put_member(
            call.in_org, call.params["team_id"], call.params["user_id"], body.role
        )
        return Reply(body=team_member_body(member))

    def remove_team_member(self, call: Call) -> Reply:
        self._teams.remove_member(call.in_org, call.params["team_id"], call.params["user_id"])
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        org, member, team = "organizations", "members", "teams"
        user = Access.USER
        any_ = Access.PRINCIPAL
        members = f"{ORG}/members"
        teams = f"{ORG}/teams"
        one_team = f"{teams}/{{team_id:uuid}}"
        return [
            Endpoint(
                "POST",
                "/api/v1/orgs",
                self.create_org,
                "create_org",
                "Create an organization (you become its owner)",
                org,
                user,
                body=CreateOrganizationRequest,
                response=OrganizationBody,
                status=201,
                errors=(409,),
            ),
            Endpoint(
                "GET",
                "/api/v1/orgs",
                self.list_orgs,
                "list_orgs",
                "Organizations you belong to",
                org,
                user,
                response=MyOrganizationBody,
                paginated=True,
            ),
            Endpoint(
                "GET",
                ORG,
                self.get_org,
                "get_org",
                "An organization",
                org,
                any_,
                response=OrganizationBody,
                org_role=Role.VIEWER,
            ),
            Endpoint(
                "PATCH",
                ORG,
                self.update_org,
                "update_org",
                "Rename an organization",
                org,
                any_,
                body=UpdateOrganizationRequest,
                response=OrganizationBody,
                org_role=Role.OWNER,
                errors=(409,),
            ),
            Endpoint(
                "DELETE",
                ORG,
                self.delete_org,
                "delete_org",
                "Delete an organization (soft)",
                org,
                any_,
                status=204,
                org_role=Role.OWNER,
            ),
            Endpoint(
                "GET",
                members,
                self.list_members,
                "list_members",
                "Members",
                member,
                any_,
                response=MemberBody,
                paginated=True,
                org_role=Role.VIEWER,
            ),
            Endpoint(
                "POST",
                members,
                self.add_member,
                "add_member",
                "Add a registered user",
                member,
                any_,
                body=AddMemberRequest,
                response=MemberBody,
                status=201,
                org_role=Role.ADMIN,
                errors=(409,),
            ),
            Endpoint(
                "PATCH",
                f"{members}/{{user_id:uuid}}",
                self.change_member,
                "change_member_role",
                "Change a member's role",
                member,
                any_,
                body=ChangeMemberRequest,
                response=MemberBody,
                org_role=Role.ADMIN,
                errors=(409,),
                description="Only an owner grants or removes the owner and admin roles.",
            ),
            Endpoint(
                "DELETE",
                f"{members}/{{user_id:uuid}}",
                self.remove_member,
                "remove_member",
                "Remove a member",
                member,
                any_,
                status=204,
                org_role=Role.ADMIN,
                errors=(409,),
            ),
            Endpoint(
                "POST",
                teams,
                self.create_team,
                "create_team",
                "Create a team",
                team,
                any_,
                body=CreateTeamRequest,
                response=TeamBody,
                status=201,
                org_role=Role.ADMIN,
                errors=(409,),
            ),
            Endpoint(
                "GET",
                teams,
                self.list_teams,
                "list_teams",
                "Teams",
                team,
                any_,
                response=TeamBody,
                paginated=True,
                org_role=Role.VIEWER,
            ),
            Endpoint(
                "GET",
                one_team,
                self.get_team,
                "get_team",
                "A team",
                team,
                any_,
                response=TeamBody,
                org_role=Role.VIEWER,
            ),
            Endpoint(
                "PATCH",
                one_team,
                self.update_team,
                "update_team",
                "Change a team",
                team,
                any_,
                body=UpdateTeamRequest,
                response=TeamBody,
                org_role=Role.ADMIN,
                errors=(409,),
            ),
            Endpoint(
                "DELETE",
                one_team,
                self.delete_team,
                "delete_team",
                "Delete a team",
                team,
                any_,
                status=204,
                org_role=Role.ADMIN,
            ),
            Endpoint(
                "GET",
                f"{one_team}/members",
                self.list_team_members,
                "list_team_members",
                "A team's members",
                team,
                any_,
                response=TeamMemberBody,
                paginated=True,
                org_role=Role.VIEWER,
            ),
            Endpoint(
                "PUT",
                f"{one_team}/members/{{user_id:uuid}}",
                self.put_team_member,
                "put_team_member",
                "Add a member to a team or change their team role",
                team,
                any_,
                body=PutTeamMemberRequest,
                response=TeamMemberBody,
                org_role=Role.ADMIN,
            ),
            Endpoint(
                "DELETE",
                f"{one_team}/members/{{user_id:uuid}}",
                self.remove_team_member,
                "remove_team_member",
                "Remove from a team",
                team,
                any_,
                status=204,
                org_role=Role.ADMIN,
            ),
        ]
