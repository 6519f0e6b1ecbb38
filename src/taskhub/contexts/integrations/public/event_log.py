"""The organization's published events, for contexts that serve them live (realtime).

The feed (`GET /orgs/{org_id}/events`) and the live stream must show the same events
in the same order, so the stream reads them from the same store, through this port,
rather than keeping a log of its own (ADR 0029, ADR 0033).
"""

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import attrs


@attrs.frozen(kw_only=True)
class PublishedEvent:
    """One event of an organization, with its place in the organization's commit order.

    `position` only grows within an organization, in commit order; it is not shown to
    clients (they resume by `id`).
    """

    position: int
    id: uuid.UUID
    type: str
    occurred_at: datetime
    data: Mapping[str, Any]


class OrgEventLog(Protocol):
    def position_of(self, org_id: uuid.UUID, event_id: uuid.UUID, *, since: datetime) -> int | None:
        """The position of the organization's event `event_id` if it occurred at `since`
        or later; None when it is older, or was never this organization's."""
        ...

    def after(self, org_id: uuid.UUID, position: int, *, limit: int) -> Sequence[PublishedEvent]:
        """At most `limit` of the organization's events after `position`, oldest first."""
        ...

    def latest_position(self, org_id: uuid.UUID) -> int:
        """The position of the organization's newest event (0 when it has none)."""
        ...
