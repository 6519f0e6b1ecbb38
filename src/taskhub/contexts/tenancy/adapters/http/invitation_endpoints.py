"""Invitations: made and managed by an organization's admins, accepted by the invitee."""

from collections.abc import Sequence
from datetime import datetime

from taskhub.contexts.tenancy.adapters.http.invitation_schemas import (
    AcceptInvitationRequest,
    CreateInvitationRequest,
    InvitationBody,
    JoinedBody,
)
from taskhub.contexts.tenancy.application.invitations import InvitationService
from taskhub.contexts.tenancy.domain.invitation import Invitation, InvitationStatus
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.query import choice_param
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.roles import Role

INVITATION_QUERY = (choice_param("status", InvitationStatus, "Only invitations in this state."),)


def invitation_body(invitation: Invitation, now: datetime) -> InvitationBody:
    return InvitationBody(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        status=invitation.status_at(now),
        invited_by=invitation.invited_by,
        expires_at=invitation.expires_at,
        created_at=invitation.created_at,
    )


class InvitationEndpoints:
    def __init__(self, *, invitations: InvitationService, clock: Clock) -> None:
        self._invitations = invitations
        self._clock = clock

    def create(self, call: Call[CreateInvitationRequest]) -> Reply:
        body = call.body
        invitation = self._invitations.invite(call.in_org, email=body.email, role=body.role)
        return Reply(status=201, body=invitation_body(invitation, self._clock.now()))

    def list(self, call: Call[None]) -> Reply:
        status: InvitationStatus | None = call.query.get("status")
        page = self._invitations.page(call.in_org, status, call.page)
        now = self._clock.now()
        return Reply(body=page.map(lambda i: invitation_body(i, now)))

    def revoke(self, call: Call[None]) -> Reply:
        self._invitations.revoke(call.in_org, call.params["invitation_id"])
        return Reply(status=204)

    def accept(self, call: Call[AcceptInvitationRequest]) -> Reply:
        joined = self._invitations.accept(call.user.user_id, call.body.token)
        return Reply(body=JoinedBody(org_id=joined.org_id, role=joined.role))

    def endpoints(self) -> Sequence[Endpoint]:
        invitations = Routes.in_org(tag="invitations")
        mine = Routes(tag="invitations")
        return [
            invitations.post(
                "/invitations",
                handler=self.create,
                body=CreateInvitationRequest,
                name="create_invitation",
                summary="Invite someone by email",
                description="An email with a single-use link goes out; the invitation "
                "expires after 7 days. 409 if the email is a member's or has a pending "
                "invitation.",
                role=Role.ADMIN,
                response=InvitationBody,
                status=201,
                errors=(409,),
            ),
            invitations.get(
                "/invitations",
                handler=self.list,
                name="list_invitations",
                summary="The organization's invitations, newest first",
                role=Role.ADMIN,
                response=InvitationBody,
                paginated=True,
                query=INVITATION_QUERY,
            ),
            invitations.delete(
                "/invitations/{invitation_id:uuid}",
                handler=self.revoke,
                name="revoke_invitation",
                summary="Revoke a pending invitation (its token stops working)",
                role=Role.ADMIN,
                status=204,
                errors=(409,),
            ),
            mine.post(
                "/invitations/accept",
                handler=self.accept,
                body=AcceptInvitationRequest,
                name="accept_invitation",
                summary="Join an organization with an invitation token",
                description="The caller's email must be the invited one (403 otherwise).",
                response=JoinedBody,
                errors=(409,),
            ),
        ]
