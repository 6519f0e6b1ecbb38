"""Organization roles, lowest to highest: viewer < member < admin < owner.

In the shared kernel because every context asks "may this caller do that here?" and
the platform enforces the minimum role an endpoint declares.
"""

import enum


class Role(enum.StrEnum):
    VIEWER = "viewer"
    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def at_least(self, other: "Role") -> bool:
        return self.rank >= other.rank

    @classmethod
    def lowest(cls, *roles: "Role") -> "Role":
        return min(roles, key=lambda role: role.rank)

    def below(self) -> list["Role"]:
        return [role for role in Role if role.rank < self.rank]


_RANK = {Role.VIEWER: 0, Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}
