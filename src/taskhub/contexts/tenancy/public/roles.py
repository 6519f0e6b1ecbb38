"""The published question: "what is this user's role in this organization?"."""

import uuid
from typing import Protocol

from taskhub.shared_kernel.roles import Role


class RoleLookup(Protocol):
    def role_of(self, user_id: uuid.UUID, org_id: uuid.UUID) -> Role | None:
        """None when the user is not a member or the organization does not exist."""
        ...
