"""The published question identity asks when someone registers with an invitation token:
"is this token a pending invitation for this email?", and then "join them"."""

import uuid
from typing import Protocol


class InvitationDesk(Protocol):
    def check(self, token: str, email: str) -> None:
        """Raise ValidationFailed on `invitation_token` unless the token is a pending
        invitation, and PermissionDenied unless it was sent to `email`."""
        ...

    def redeem(self, token: str, user_id: uuid.UUID, email: str) -> None:
        """Accept the invitation for that (new) user: the membership and the invitation's
        end commit together; the same errors as `check` if it is no longer pending."""
        ...
