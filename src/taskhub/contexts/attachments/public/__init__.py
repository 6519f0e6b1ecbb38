"""What the attachments context publishes: its integration event types."""

from taskhub.contexts.attachments.public.events import CATALOGUE, PUBLISHED_TYPES

__all__ = ["CATALOGUE", "PUBLISHED_TYPES"]
