"""What the attachments context publishes: its integration event types."""

from taskhub.contexts.attachments.public.events import PUBLISHED_TYPES

__all__ = ["PUBLISHED_TYPES"]
