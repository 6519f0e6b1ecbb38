"""What the work context publishes: its integration event types."""

from taskhub.contexts.work.public.events import PUBLISHED_TYPES

__all__ = ["PUBLISHED_TYPES"]
