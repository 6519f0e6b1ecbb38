"""What projects, tasks, labels and comments do alike: they are versioned, deleted
softly, and record one typed event per change they make.

The bookkeeping (version, `updated_at`, `deleted_at`) comes from the shared
`VersionedAggregate`; this adds what is work's own: audit changes written as the API
writes values (ids and times as strings, sets as sorted lists), the resource snapshot
published events carry, and fields a change may clear. Each aggregate's `change`
still names, as typed keywords, the only fields it lets a caller change.
"""

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.events import WorkEvent
from taskhub.contexts.work.domain.snapshots import json_value
from taskhub.shared_kernel.versioned_aggregate import VersionedAggregate


@attrs.define(kw_only=True)
class WorkAggregate(VersionedAggregate):
    id: uuid.UUID
    org_id: uuid.UUID

    def snapshot(self) -> dict[str, Any]:
        """The resource as the API shows it, JSON-ready, for the events that publish it."""
        raise NotImplementedError

    def _happened(
        self,
        event: type[WorkEvent],
        now: datetime,
        changes: Mapping[str, tuple[Any, Any]] | None = None,
    ) -> None:
        self.record(event.of(self, now, changes or {}))

    def _change(
        self,
        event: type[WorkEvent],
        proposed: Mapping[str, Any],
        now: datetime,
        *,
        clearing: Collection[str] = (),
    ) -> dict[str, tuple[Any, Any]]:
        """Set the proposed values (None leaves a field as it is) and empty the fields in
        `clearing`; if anything changed, step the version once and record `event`.
        Returns what changed as {field: (old, new)}, in the order of `proposed`."""
        cleared = {name: (getattr(self, name), None) for name in clearing}
        cleared = {name: pair for name, pair in cleared.items() if pair[0] is not None}
        for name in cleared:
            setattr(self, name, None)
        applied = self._apply(proposed, now)
        if cleared and not applied:
            self._touch(now)
        merged = applied | cleared
        changes = {
            name: (json_value(merged[name][0]), json_value(merged[name][1]))
            for name in [*proposed, *clearing]
            if name in merged
        }
        if changes:
            self._happened(event, now, changes)
        return changes

    def _delete(self, event: type[WorkEvent], now: datetime) -> None:
        self._mark_deleted(now)
        self._happened(event, now)

    def _restore(self, event: type[WorkEvent], now: datetime) -> None:
        self.deleted_at = None
        self._touch(now)
        self._happened(event, now)
