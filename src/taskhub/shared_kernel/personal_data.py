"""What each context keeps about a person, for their export and their erasure.

An account's data is spread over contexts (identity's profile and sessions, tenancy's
memberships, work's tasks and comments, audit's security log). Identity runs the
export and the erasure; each other context that holds something answers through this
Protocol, wired by the composition root, so identity imports none of them.
"""

import uuid
from collections.abc import Mapping
from typing import Any, Protocol


class PersonalData(Protocol):
    def export(self, user_id: uuid.UUID) -> Mapping[str, Any]:
        """JSON-ready sections (strings, numbers, booleans, lists, objects) by name."""
        ...

    def erase(self, user_id: uuid.UUID) -> None:
        """Forget or detach what the context keeps about the user, in one transaction;
        raise Conflict (nothing changed) when a rule forbids it, such as the last owner
        of an organization leaving it."""
        ...
