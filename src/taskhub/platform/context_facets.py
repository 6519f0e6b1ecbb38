"""The facets every context's container exposes, under the same names, for the root.

The composition root (`taskhub.bootstrap`) lists the contexts once and derives from
that list everything that needs all of them: the routes the app mounts, the tables
alembic migrates, the event types a webhook may name, the subscribers the consumer
serves and the loops the worker runs. It can only do that if every context offers
each of these in the same shape, empty where it has none:

- `endpoints`: a list of `Endpoint`, every route the context serves;
- `subscriptions`: a list of `Subscription`, its reactions to others' events;
- `tables`: its `MetaData`;
- `published_event_types`: a tuple of `EventType`, the integration events it publishes
  with the class of each one's `data` (`shared_kernel.event_catalogue`);
- `background_jobs`: a list of loops with `run(stop_event)`, beside the relay.
"""

from collections.abc import Iterable

from taskhub.platform.http.endpoints import Endpoint

FACETS = ("endpoints", "subscriptions", "tables", "published_event_types", "background_jobs")


def endpoints_of(*declared: Iterable[Endpoint]) -> list[Endpoint]:
    """The routes of one or more of a context's HTTP adapters, as its one list."""
    return [endpoint for endpoints in declared for endpoint in endpoints]
