"""What integrations' use cases need: storage, name resolution, an HTTP sender, secrets."""

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from taskhub.contexts.integrations.domain.addresses import Address
from taskhub.contexts.integrations.domain.delivery import Delivery
from taskhub.contexts.integrations.domain.feed import FeedEvent
from taskhub.contexts.integrations.domain.target import Target
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWork


class WebhookRepository(Protocol):
    def add(self, webhook: Webhook) -> None: ...

    def get(
        self,
        org_id: uuid.UUID,
        webhook_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Webhook | None:
        """A live (not deleted) webhook of the organization (`include_deleted`: or a
        deleted one); `for_update` locks it until this unit of work ends."""
        ...

    def get_many(
        self, keys: Collection[tuple[uuid.UUID, uuid.UUID]], *, for_update: bool = False
    ) -> dict[uuid.UUID, Webhook]:
        """The webhooks named by `(org_id, webhook_id)`, deleted ones too, by id: the
        dispatcher's view. Keys that name no webhook are left out; `for_update` locks
        them (in key order) until this unit of work ends."""
        ...

    def update(self, webhook: Webhook) -> None:
        """Write it back over the version it was read at (PreconditionFailed if that moved)."""
        ...

    def receive_from_now(self, org_id: uuid.UUID, webhook_id: uuid.UUID) -> None:
        """The webhook (created or re-enabled in this transaction) receives only the
        events that commit after this transaction: its `events_after` is set when the
        transaction commits, from the order events commit in."""
        ...

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Webhook]: ...

    def active(self, org_id: uuid.UUID) -> list[Webhook]:
        """Live, active webhooks of the organization."""
        ...

    def active_in(self, org_ids: Collection[uuid.UUID]) -> list[Webhook]:
        """Live, active webhooks of any of these organizations."""
        ...


class DeliveryRepository(Protocol):
    def add_if_absent(self, delivery: Delivery) -> bool:
        """False when the webhook already has a delivery of this event."""
        ...

    def add_all_if_absent(self, deliveries: Sequence[Delivery]) -> int:
        """`add_if_absent` for several at once; returns how many were new."""
        ...

    def get(
        self, org_id: uuid.UUID, webhook_id: uuid.UUID, delivery_id: uuid.UUID
    ) -> Delivery | None: ...

    def update(self, delivery: Delivery) -> None: ...

    def update_all(self, deliveries: Sequence[Delivery]) -> None:
        """`update` for several at once: the outcomes of a dispatcher's batch."""
        ...

    def page(self, org_id: uuid.UUID, webhook_id: uuid.UUID, page: PageRequest) -> Page[Delivery]:
        """Newest first."""
        ...

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Delivery]:
        """Due deliveries, leased to the caller until `lease_until`.

        Only the oldest unfinished delivery of each (webhook, ordering key) is ever due,
        so a webhook receives the events of one entity in order. And none is due while
        an earlier event of its entity is still on its way to the fan-out (not yet
        published, or held up by a consumer that failed or is slower than another): its
        deliveries do not exist yet, so "oldest unfinished" alone could not see it. The
        in-memory fakes fan out as soon as an event is published, so there nothing is
        ever on its way.
        """
        ...

    def fail_unfinished(
        self, org_id: uuid.UUID, webhook_id: uuid.UUID, reason: str, now: datetime
    ) -> int:
        """Give up on a disabled webhook's pending and retrying deliveries."""
        ...


class IntegrationsRepositories(Protocol):
    """The repositories of an open transaction, whoever commits it: a unit of work, or
    the bus consumer that records a batch of events as consumed in the same commit."""

    @property
    def webhooks(self) -> WebhookRepository: ...

    @property
    def deliveries(self) -> DeliveryRepository: ...


class IntegrationsUnitOfWork(UnitOfWork, Protocol):
    webhooks: WebhookRepository
    deliveries: DeliveryRepository


class ResolutionFailed(Exception):
    """The host name does not resolve."""


class AddressResolver(Protocol):
    def resolve(self, host: str, port: int) -> list[Address]: ...


@attrs.frozen
class AttemptResult:
    """What one HTTP attempt got: a status, or an error when there was no answer."""

    status: int | None
    duration_ms: int
    retry_after: int | None = None
    error: str | None = None


class WebhookSender(Protocol):
    def send(
        self,
        target: Target,
        addresses: Sequence[Address],
        headers: Mapping[str, str],
        body: bytes,
    ) -> AttemptResult:
        """POST to one of `addresses` (already checked) as `target`'s host; no redirects."""
        ...


class SecretGenerator(Protocol):
    def new_secret(self) -> str:
        """`whsec_` and the base64 of at least 24 random bytes."""
        ...


class EventLog(Protocol):
    """An organization's published events in commit order, each with its position.

    Positions only grow, and an organization's events get them in the order their
    transactions commit, so a page that continues after a position misses nothing
    committed later. Events that occurred before `since` are past the retention and
    are neither paged nor found.
    """

    def position_of(
        self, org_id: uuid.UUID, event_id: uuid.UUID, *, since: datetime
    ) -> int | None: ...

    def page(
        self,
        org_id: uuid.UUID,
        page: PageRequest,
        *,
        types: frozenset[str] | None,
        since: datetime,
    ) -> Page[FeedEvent]:
        """Oldest first, after the position in `page.after`; `types` None is every type."""
        ...
