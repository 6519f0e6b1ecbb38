"""The published question: "what is this user's role in this organization?"."""

import uuid
from collections.abc import Collection
from typing import Protocol

from taskhub.shared_kernel.roles import Role


class RoleLookup(Protocol):
    def role_of(self, user_id: uuid.UUID, org_id: uuid.UUID) -> Role | None:
        """None when the user is not a member or the organization does not exist."""
        ...

    def members_among(
        self, org_id: uuid.UUID, user_ids: Collection[uuid.UUID]
    ) -> frozenset[uuid.UUID]:
        """Those of `user_ids` who are members of the (live) organization, asked at once:
        checking a set of people costs one question, not one per person."""
        ...
