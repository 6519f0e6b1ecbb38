"""Opening a stream and keeping it honest: where it starts, what it shows, and whether
its caller may still see it.

These run in the request thread before a connection is handed to the hub, so a bad
resume point or filter is an ordinary problem+json answer (410, 422), and in the hub's
re-check, where the answer decides how a stream ends (ADR 0033).
"""

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import attrs

from taskhub.contexts.integrations.public import OrgEventLog, types_matching
from taskhub.contexts.realtime.application.ports import Credentials, OrgRoles
from taskhub.contexts.realtime.domain.stream import StreamEnd, StreamFilter
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import Gone, Unauthenticated, ValidationFailed
from taskhub.shared_kernel.roles import Role

MAX_PROJECT_IDS = 100


@attrs.frozen(kw_only=True)
class StreamStart:
    """Where a new stream starts (the position after which it shows events) and what it
    shows."""

    position: int
    filter: StreamFilter


class StreamOpening:
    def __init__(
        self,
        *,
        log: OrgEventLog,
        clock: Clock,
        retention: timedelta,
        known_event_types: Collection[str],
    ) -> None:
        self._log = log
        self._clock = clock
        self._retention = retention
        self._known = known_event_types

    def start(
        self,
        org_id: uuid.UUID,
        *,
        after: uuid.UUID | None,
        types: Sequence[str] | None = None,
        project_ids: Iterable[uuid.UUID] | None = None,
    ) -> StreamStart:
        """From `after` (the last event the client saw) or from now; `Gone` when `after`
        is past the retention or not this organization's, as for the feed."""
        chosen = self.filter(types, project_ids)
        return StreamStart(position=self.resume_point(org_id, after), filter=chosen)

    def filter(
        self, types: Sequence[str] | None, project_ids: Iterable[uuid.UUID] | None
    ) -> StreamFilter:
        chosen = None if types is None else types_matching(types, self._known)
        projects = None if project_ids is None else frozenset(project_ids)
        if projects is not None and len(projects) > MAX_PROJECT_IDS:
            raise ValidationFailed.single(
                "project_ids", f"must name at most {MAX_PROJECT_IDS} projects"
            )
        return StreamFilter(types=chosen, project_ids=projects)

    def resume_point(self, org_id: uuid.UUID, after: uuid.UUID | None) -> int:
        if after is None:
            return self._log.latest_position(org_id)
        since = self._clock.now() - self._retention
        position = self._log.position_of(org_id, after, since=since)
        if position is None:
            raise Gone(
                "The event is not in this organization's feed: it is older than the "
                "retention, or was never one of its events. Read the current state and "
                "open the stream without a resume point.",
                code="event_gone",
            )
        return position


class AccessCheck:
    """Whether a stream's caller may still see it: the same questions every request
    asks (the credential through identity, the role through tenancy), asked again."""

    def __init__(self, *, credentials: Credentials, roles: OrgRoles) -> None:
        self._credentials = credentials
        self._roles = roles

    def verdict(self, credential: str, org_id: uuid.UUID) -> StreamEnd | None:
        """None while the stream may go on; otherwise why it must end."""
        try:
            principal = self._credentials.authenticate(credential)
        except Unauthenticated:
            return StreamEnd.CREDENTIAL_DEAD
        role = self._roles.role_in(principal, org_id)
        if role is None or not role.at_least(Role.VIEWER):
            return StreamEnd.ACCESS_LOST
        return None

    def verdicts(
        self, pairs: Iterable[tuple[str, uuid.UUID]]
    ) -> Mapping[tuple[str, uuid.UUID], StreamEnd]:
        """The pairs whose streams must end, each asked once however many streams share
        it."""
        ended: dict[tuple[str, uuid.UUID], StreamEnd] = {}
        for pair in set(pairs):
            verdict = self.verdict(*pair)
            if verdict is not None:
                ended[pair] = verdict
        return ended


def client_subscription(opening: StreamOpening, message: Mapping[str, Any]) -> StreamFilter:
    """A WebSocket `subscribe` message's filter: `types` and `project_ids`, both optional
    lists; anything else is `ValidationFailed` with the field named."""
    unknown = sorted(set(message) - {"type", "types", "project_ids"})
    if unknown:
        raise ValidationFailed.single(unknown[0], "is not a field of `subscribe`")
    types = message.get("types")
    if types is not None and not (
        isinstance(types, list) and all(isinstance(t, str) for t in types)
    ):
        raise ValidationFailed.single("types", "must be a list of event type patterns")
    raw_projects = message.get("project_ids")
    projects: list[uuid.UUID] | None = None
    if raw_projects is not None:
        if not isinstance(raw_projects, list):
            raise ValidationFailed.single("project_ids", "must be a list of project ids")
        try:
            projects = [uuid.UUID(str(p)) for p in raw_projects if isinstance(p, str)]
        except ValueError:
            raise ValidationFailed.single("project_ids", "must be a list of project ids") from None
        if len(projects) != len(raw_projects):
            raise ValidationFailed.single("project_ids", "must be a list of project ids")
    # An empty `types` list means every type, as no `types` does.
    return opening.filter(types or None, projects)


def client_resume_point(message: Mapping[str, Any]) -> uuid.UUID:
    """A WebSocket `resume` message's event id."""
    unknown = sorted(set(message) - {"type", "after"})
    if unknown:
        raise ValidationFailed.single(unknown[0], "is not a field of `resume`")
    after = message.get("after")
    try:
        return uuid.UUID(str(after)) if isinstance(after, str) else uuid.UUID("")
    except ValueError:
        raise ValidationFailed.single("after", "must be an event id") from None
