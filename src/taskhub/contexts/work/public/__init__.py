"""What the work context publishes: its integration event types."""

from taskhub.contexts.work.public.events import CATALOGUE, PUBLISHED_TYPES

__all__ = ["CATALOGUE", "PUBLISHED_TYPES"]
