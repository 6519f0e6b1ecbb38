"""What one open stream shows, and where it stands.

A stream sees the organization's events in position order (the organization's commit
order, ADR 0029), each at most once. It is fed from two sources that overlap: the
backlog it reads itself when it opens or resumes, and the live events the process's hub
reads once per organization and offers to every stream of it. `StreamCursor` is what
makes the overlap safe: while the stream catches up it refuses live offers (the backlog
reader will read those events itself), and it accepts any event only past the last
position it has passed, so nothing is shown twice or out of order.
"""

import enum
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

BACKLOG_PAGE = 500


class StreamEnd(enum.IntEnum):
    """Why the server ends a stream; the values are the WebSocket close codes the
    contract gives (an SSE stream simply ends)."""

    RESUME_GONE = 4410
    """The resume point is past the retention, or was never this organization's event."""
    CREDENTIAL_DEAD = 4401
    """The token expired, its session or API key was revoked, or the user deactivated."""
    ACCESS_LOST = 4403
    """The user left the organization or lost the viewer role (or the organization went)."""


@attrs.frozen
class StreamFilter:
    """Which events a stream shows: `types` (exact names, None: all) and `project_ids`
    (None: all). With `project_ids`, only events about one of those projects are shown:
    a project's own events (`project.*`, by `data.id`) and the events whose `data`
    names the project (`data.project_id`); events about no project (members, teams) are
    left out."""

    types: frozenset[str] | None = None
    project_ids: frozenset[uuid.UUID] | None = None

    def admits(self, event_type: str, data: Mapping[str, Any]) -> bool:
        if self.types is not None and event_type not in self.types:
            return False
        if self.project_ids is None:
            return True
        project = _project_of(event_type, data)
        return project is not None and project in self.project_ids


def _project_of(event_type: str, data: Mapping[str, Any]) -> uuid.UUID | None:
    raw = data.get("id") if event_type.startswith("project.") else data.get("project_id")
    if raw is None:
        return None
    try:
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
    except ValueError:
        return None


@attrs.define
class StreamCursor:
    """Where one stream stands in its organization's events.

    `position` is the last position the stream has passed (shown or filtered out).
    A new stream starts `catching_up`: live offers are refused until `caught_up` says
    the backlog reader has reached what the hub has already fanned out.
    """

    position: int
    catching_up: bool = True

    def offer(self, position: int) -> bool:
        """A live event from the hub: True when the stream should take it now."""
        if self.catching_up or position <= self.position:
            return False
        self.position = position
        return True

    def read(self, position: int) -> bool:
        """An event of the stream's own backlog read: True when it is new to the stream."""
        if position <= self.position:
            return False
        self.position = position
        return True

    def caught_up(self, hub_position: int | None) -> bool:
        """After a backlog read that found nothing more: the stream goes live when it
        has passed everything the hub fanned out (`hub_position`, None when the hub has
        fanned out nothing for this organization yet). Otherwise the hub moved on while
        the read ran, and the backlog must be read again, so no event falls between."""
        if hub_position is not None and hub_position > self.position:
            return False
        self.catching_up = False
        return True
