"""The event feed's vocabulary: an event as partners read it, and which types they ask
for (`types_matching`, published in `public.event_types` so the live stream filters
exactly as the feed does)."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.integrations.public.event_types import MAX_TYPE_PATTERNS, types_matching

__all__ = ["MAX_TYPE_PATTERNS", "FeedEvent", "types_matching"]


@attrs.frozen(kw_only=True)
class FeedEvent:
    """One published event of an organization, as the feed shows it."""

    id: uuid.UUID
    type: str
    occurred_at: datetime
    data: Mapping[str, Any]
