"""What integrations publish: the event types only they emit."""

from taskhub.contexts.integrations.public.events import CATALOGUE, PUBLISHED_TYPES

__all__ = ["CATALOGUE", "PUBLISHED_TYPES"]
