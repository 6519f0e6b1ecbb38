"""What notifications publishes: nothing yet (it only listens)."""

from taskhub.contexts.notifications.public.events import PUBLISHED_TYPES

__all__ = ["PUBLISHED_TYPES"]
