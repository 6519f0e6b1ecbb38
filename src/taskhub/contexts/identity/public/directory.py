"""The user directory: the only way other contexts learn about users."""

import uuid
from collections.abc import Collection
from typing import Protocol

import attrs


@attrs.frozen
class UserSummary:
    id: uuid.UUID
    email: str
    name: str


class UserDirectory(Protocol):
    def find_by_email(self, email: str) -> UserSummary | None:
        """An active user with this email (any case), or None."""
        ...

    def get_many(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, UserSummary]:
        """Every known user among `user_ids`, keyed by id."""
        ...
