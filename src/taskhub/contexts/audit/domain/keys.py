"""Which log an entry belongs to: an organization's, or one user's security log.

Each log is one hash chain, named by its key. The key is written `org:<uuid>` or
`user:<uuid>`, so the two kinds can never be mistaken for each other, in storage or
in the hashes.
"""

import enum
import uuid

import attrs


class ChainKind(enum.StrEnum):
    ORG = "org"
    USER = "user"


@attrs.frozen(order=True)
class ChainKey:
    kind: ChainKind
    owner_id: uuid.UUID

    @classmethod
    def org(cls, org_id: uuid.UUID) -> "ChainKey":
        return cls(ChainKind.ORG, org_id)

    @classmethod
    def user(cls, user_id: uuid.UUID) -> "ChainKey":
        return cls(ChainKind.USER, user_id)

    @classmethod
    def parse(cls, text: str) -> "ChainKey":
        kind, _, owner = text.partition(":")
        return cls(ChainKind(kind), uuid.UUID(owner))

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.owner_id}"
