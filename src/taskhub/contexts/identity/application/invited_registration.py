"""Registering with an invitation token: the account is created verified (the token
proved the mailbox) and joins the inviting organization in the same request.

The account and the membership belong to two contexts, each with its own unit of work,
so this runs in three steps: tenancy checks the token and the email before anything is
written, identity creates the account, tenancy accepts the invitation for it. Only an
invitation revoked or accepted in the instant between the first and the last step
leaves an account that did not join; the request then answers the invitation's error,
and the account can sign in (ADR 0027).
"""

import attrs

from taskhub.contexts.identity.application.accounts import AccountService, Register
from taskhub.contexts.identity.application.results import SignedIn
from taskhub.contexts.tenancy.public import InvitationDesk


class InvitedRegistration:
    def __init__(self, *, accounts: AccountService, invitations: InvitationDesk) -> None:
        self._accounts = accounts
        self._invitations = invitations

    def register(self, command: Register, invitation_token: str) -> SignedIn:
        self._invitations.check(invitation_token, command.email)
        signed_in = self._accounts.register(attrs.evolve(command, email_proven=True))
        self._invitations.redeem(invitation_token, signed_in.user.id, signed_in.user.email)
        return signed_in
