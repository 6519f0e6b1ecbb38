"""What realtime publishes: nothing yet. It publishes no events and offers no port;
it only serves other contexts' events to clients."""

from taskhub.shared_kernel.event_catalogue import EventType

CATALOGUE: tuple[EventType, ...] = ()

__all__ = ["CATALOGUE"]
