"""What integrations publish: the event types only they emit."""

from taskhub.contexts.integrations.public.events import PUBLISHED_TYPES

__all__ = ["PUBLISHED_TYPES"]
