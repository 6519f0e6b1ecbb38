"""What integrations publish: the event types only they emit, and the organization's
event log for contexts that serve events live."""

from taskhub.contexts.integrations.public.event_log import OrgEventLog, PublishedEvent
from taskhub.contexts.integrations.public.event_types import MAX_TYPE_PATTERNS, types_matching
from taskhub.contexts.integrations.public.events import CATALOGUE, PUBLISHED_TYPES

__all__ = [
    "CATALOGUE",
    "MAX_TYPE_PATTERNS",
    "PUBLISHED_TYPES",
    "OrgEventLog",
    "PublishedEvent",
    "types_matching",
]
