"""Reading an organization's event feed: what its webhooks could receive, oldest first.

The feed is for partners who cannot host an endpoint: they poll it and continue after
the last event they saw. Events are kept for the retention window; a continuation
point older than that (or never an event of this organization) is 410, so a poller
knows it has missed events and must resynchronise, rather than silently skipping them.
"""

import uuid
from collections.abc import Collection, Sequence
from datetime import timedelta

import attrs

from taskhub.contexts.integrations.application.ports import EventLog
from taskhub.contexts.integrations.domain.feed import FeedEvent, types_matching
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import Gone, ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor


class EventFeed:
    def __init__(
        self,
        *,
        log: EventLog,
        clock: Clock,
        retention: timedelta,
        known_event_types: Collection[str],
    ) -> None:
        self._log = log
        self._clock = clock
        self._retention = retention
        self._known = known_event_types

    def page(
        self,
        actor: Actor,
        page: PageRequest,
        *,
        after: uuid.UUID | None = None,
        types: Sequence[str] | None = None,
    ) -> Page[FeedEvent]:
        """The page after `page.after` (a cursor) or after the event `after`, not both."""
        chosen = None if types is None else types_matching(types, self._known)
        since = self._clock.now() - self._retention
        if after is not None:
            if page.after is not None:
                raise ValidationFailed.single("after", "must not be given with `cursor`")
            position = self._log.position_of(actor.org_id, after, since=since)
            if position is None:
                raise Gone(
                    "The event is not in this organization's feed: it is older than the "
                    "retention, or was never one of its events.",
                    code="event_gone",
                )
            page = attrs.evolve(page, after=(str(position),))
        return self._log.page(actor.org_id, page, types=chosen, since=since)
