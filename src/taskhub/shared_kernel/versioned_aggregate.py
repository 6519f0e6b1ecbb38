"""What every versioned, soft-deletable aggregate does the same way.

Clients change these concurrently, so each change steps `version` once (it is the
ETag a write names in `If-Match`) and `updated_at`; a delete only marks the row, so it
can be restored within the retention window. The subclass keeps the say over what
may change: its own `change` takes the fields it allows as typed keywords, validates
them and hands the proposed values here; nothing else can be set this way.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from taskhub.shared_kernel.events import EventRecorder


@attrs.define(kw_only=True)
class VersionedAggregate(EventRecorder):
    updated_at: datetime
    version: int = 1
    deleted_at: datetime | None = None

    def _apply(self, proposed: Mapping[str, Any], now: datetime) -> dict[str, tuple[Any, Any]]:
        """Set the proposed values (None leaves a field as it is) and step the version once
        if any differ; returns what changed as {field: (old, new)}."""
        changes = {
            name: (getattr(self, name), value)
            for name, value in proposed.items()
            if value is not None and getattr(self, name) != value
        }
        for name, (_old, new) in changes.items():
            setattr(self, name, new)
        if changes:
            self._touch(now)
        return changes

    def _mark_deleted(self, now: datetime) -> None:
        self.deleted_at = now
        self._touch(now)

    def _touch(self, now: datetime) -> None:
        self.updated_at = now
        self.version += 1
