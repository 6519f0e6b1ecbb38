"""Fakes of integrations' ports: storage, name resolution, the HTTP sender, secrets."""

import base64
import copy
import ipaddress
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

import attrs

from taskhub.contexts.integrations.application.ports import (
    AddressResolver,
    AttemptResult,
    DeliveryRepository,
    IntegrationsUnitOfWork,
    ResolutionFailed,
    SecretGenerator,
    WebhookRepository,
    WebhookSender,
)
from taskhub.contexts.integrations.domain.addresses import Address
from taskhub.contexts.integrations.domain.delivery import Delivery, DeliveryStatus
from taskhub.contexts.integrations.domain.signing import SECRET_BYTES, SECRET_PREFIX
from taskhub.contexts.integrations.domain.target import Target
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.shared_kernel.concurrency import ReadVersions
from taskhub.shared_kernel.events import DomainEvent
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.staged_unit_of_work import StagedUnitOfWork, stored_copy

T = TypeVar("T")

_UNFINISHED = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
# The database column's width: longer reasons are cut, as the SQL adapter cuts them.
_ERROR_WIDTH = 500


class IntegrationsStore:
    """The 'database' the fakes share across units of work."""

    def __init__(self) -> None:
        self.webhooks: dict[uuid.UUID, Webhook] = {}
        self.deliveries: dict[uuid.UUID, Delivery] = {}
        # A claimed delivery's lease, as the `leased_until` column holds it.
        self.leases: dict[uuid.UUID, datetime] = {}
        # Events of committed units of work, in commit order.
        self.events: list[DomainEvent] = []
        # The newest outbox position committed so far: tests move it as events commit.
        self.newest_position = 0


class IntegrityViolation(Exception):
    """A row breaks a key or a reference: what the database's integrity error means here."""


class FakeWebhookRepository:
    def __init__(self, store: IntegrationsStore) -> None:
        self._store = store
        self._versions = ReadVersions()

    def _read(self, webhook: Webhook) -> Webhook:
        self._versions.note(webhook.id, webhook.version)
        return stored_copy(webhook)

    def add(self, webhook: Webhook) -> None:
        if webhook.id in self._store.webhooks:
            raise IntegrityViolation("a webhook with this id exists")
        self._store.webhooks[webhook.id] = stored_copy(webhook)
        self._versions.note(webhook.id, webhook.version)

    def get(
        self,
        org_id: uuid.UUID,
        webhook_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Webhook | None:
        webhook = self._store.webhooks.get(webhook_id)
        if webhook is None or webhook.org_id != org_id:
            return None
        if webhook.deleted_at is not None and not include_deleted:
            return None
        return self._read(webhook)

    def get_many(
        self, keys: Collection[tuple[uuid.UUID, uuid.UUID]], *, for_update: bool = False
    ) -> dict[uuid.UUID, Webhook]:
        found = (self._store.webhooks.get(webhook_id) for _org_id, webhook_id in keys)
        return {
            webhook.id: self._read(webhook)
            for webhook in found
            if webhook is not None and (webhook.org_id, webhook.id) in keys
        }

    def update(self, webhook: Webhook) -> None:
        stored = self._store.webhooks.get(webhook.id)
        if stored is None:
            return
        self._versions.check(webhook.id, stored.version)
        # The organization and the creation time are fixed when the webhook is added.
        updated = stored_copy(webhook)
        updated.org_id, updated.created_at = stored.org_id, stored.created_at
        self._store.webhooks[webhook.id] = updated
        self._versions.note(webhook.id, webhook.version)

    def receive_from_now(self, org_id: uuid.UUID, webhook_id: uuid.UUID) -> None:
        stored = self._store.webhooks.get(webhook_id)
        if stored is not None and stored.org_id == org_id:
            stored.events_after = self._store.newest_position

    def _live(self, org_id: uuid.UUID) -> list[Webhook]:
        return [
            stored_copy(w)
            for w in self._store.webhooks.values()
            if w.org_id == org_id and w.deleted_at is None
        ]

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Webhook]:
        return keyset_page(self._live(org_id), page, by_time_then_id(creation_key))

    def active(self, org_id: uuid.UUID) -> list[Webhook]:
        return [w for w in self._live(org_id) if w.active]

    def active_in(self, org_ids: Collection[uuid.UUID]) -> list[Webhook]:
        return [w for org_id in set(org_ids) for w in self.active(org_id)]


class FakeDeliveryRepository:
    def __init__(self, store: IntegrationsStore) -> None:
        self._store = store

    def add_if_absent(self, delivery: Delivery) -> bool:
        if delivery.webhook_id not in self._store.webhooks:
            raise IntegrityViolation("no webhook with this id: the foreign key refuses the row")
        for stored in self._store.deliveries.values():
            if stored.webhook_id == delivery.webhook_id and stored.event_id == delivery.event_id:
                return False
        if delivery.id in self._store.deliveries:
            raise IntegrityViolation("a delivery with this id exists")
        # The insert writes the scheduling columns; the outcome columns start empty.
        added = copy.deepcopy(delivery)
        added.response_status = None
        added.duration_ms = None
        added.last_error = None
        self._store.deliveries[delivery.id] = added
        return True

    def add_all_if_absent(self, deliveries: Sequence[Delivery]) -> int:
        return sum(self.add_if_absent(delivery) for delivery in deliveries)

    def get(
        self, org_id: uuid.UUID, webhook_id: uuid.UUID, delivery_id: uuid.UUID
    ) -> Delivery | None:
        delivery = self._store.deliveries.get(delivery_id)
        if delivery is None or (delivery.org_id, delivery.webhook_id) != (org_id, webhook_id):
            return None
        return copy.deepcopy(delivery)

    def update(self, delivery: Delivery) -> None:
        stored = self._store.deliveries.get(delivery.id)
        if stored is None:
            return
        # Only the outcome of attempts changes; what was scheduled stays as it was.
        stored.status = delivery.status
        stored.attempts = delivery.attempts
        stored.response_status = delivery.response_status
        stored.duration_ms = delivery.duration_ms
        stored.next_attempt_at = delivery.next_attempt_at
        stored.last_error = delivery.last_error
        stored.updated_at = delivery.updated_at
        # Recording an outcome ends the lease, as the SQL adapter does.
        self._store.leases.pop(delivery.id, None)

    def update_all(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            self.update(delivery)

    def page(self, org_id: uuid.UUID, webhook_id: uuid.UUID, page: PageRequest) -> Page[Delivery]:
        mine = [
            copy.deepcopy(d)
            for d in self._store.deliveries.values()
            if (d.org_id, d.webhook_id) == (org_id, webhook_id)
        ]
        return keyset_page(mine, page, by_time_then_id(creation_key, descending=True))

    def _blocked(self, delivery: Delivery, unfinished: Sequence[Delivery]) -> bool:
        """An earlier unfinished delivery of the same webhook and entity goes first."""
        return any(
            earlier.webhook_id == delivery.webhook_id
            and earlier.ordering_key == delivery.ordering_key
            and (
                earlier.position < delivery.position
                or (
                    earlier.position == delivery.position
                    and earlier.created_at < delivery.created_at
                )
            )
            for earlier in unfinished
        )

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Delivery]:
        unfinished = [d for d in self._store.deliveries.values() if d.status in _UNFINISHED]
        due = [
            d
            for d in unfinished
            if d.next_attempt_at is not None
            and d.next_attempt_at <= now
            and (d.id not in self._store.leases or self._store.leases[d.id] < now)
            and not self._blocked(d, unfinished)
        ]
        due.sort(key=lambda d: (d.next_attempt_at or now, d.position, d.id))
        claimed = due[:limit]
        for delivery in claimed:
            self._store.leases[delivery.id] = lease_until
        return [copy.deepcopy(d) for d in claimed]

    def fail_unfinished(
        self, org_id: uuid.UUID, webhook_id: uuid.UUID, reason: str, now: datetime
    ) -> int:
        failed = 0
        for delivery in self._store.deliveries.values():
            if (delivery.org_id, delivery.webhook_id) == (org_id, webhook_id) and (
                delivery.status in _UNFINISHED
            ):
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                delivery.last_error = reason[:_ERROR_WIDTH]
                delivery.updated_at = now
                self._store.leases.pop(delivery.id, None)
                failed += 1
        return failed


class FakeIntegrationsUnitOfWork(StagedUnitOfWork[IntegrationsStore]):
    """Changes are staged on a copy of the store and swapped in on commit."""

    webhooks: WebhookRepository
    deliveries: DeliveryRepository

    def _open(self, staged: IntegrationsStore) -> None:
        self.webhooks = FakeWebhookRepository(staged)
        self.deliveries = FakeDeliveryRepository(staged)


class FakeAddressResolver:
    """Names and the addresses they resolve to, changeable at any time (as DNS is)."""

    def __init__(self, names: Mapping[str, Iterable[str]] | None = None) -> None:
        self._names: dict[str, list[Address]] = {}
        self.lookups: list[str] = []
        for host, addresses in (names or {}).items():
            self.point(host, *addresses)

    def point(self, host: str, *addresses: str) -> None:
        """From now on `host` resolves to `addresses` (none: it resolves to nothing)."""
        self._names[host.lower()] = [ipaddress.ip_address(a) for a in addresses]

    def forget(self, host: str) -> None:
        """From now on `host` does not resolve."""
        self._names.pop(host.lower(), None)

    def resolve(self, host: str, port: int) -> list[Address]:
        self.lookups.append(host)
        try:
            return list(self._names[host.lower()])
        except KeyError:
            raise ResolutionFailed(host) from None


@attrs.frozen
class SentRequest:
    """One POST the fake sender was asked to make."""

    target: Target
    addresses: tuple[Address, ...]
    headers: dict[str, str]
    body: bytes


class FakeWebhookSender:
    """Answers each attempt with the next scripted answer (200 when the script is used up)
    and remembers every request, so tests can read what a receiver would have seen."""

    def __init__(self, *answers: AttemptResult | int) -> None:
        self._answers: list[AttemptResult | int] = list(answers)
        self.sent: list[SentRequest] = []

    def answer(self, *answers: AttemptResult | int) -> None:
        """Queue answers for the next attempts: a status, or a whole result."""
        self._answers.extend(answers)

    def send(
        self,
        target: Target,
        addresses: Sequence[Address],
        headers: Mapping[str, str],
        body: bytes,
    ) -> AttemptResult:
        self.sent.append(SentRequest(target, tuple(addresses), dict(headers), body))
        answer = self._answers.pop(0) if self._answers else 200
        if isinstance(answer, int):
            return AttemptResult(status=answer, duration_ms=25)
        return answer


class FakeSecrets:
    """Distinct, predictable secrets in the real format: the n-th is 32 bytes of n."""

    def __init__(self) -> None:
        self.issued: list[str] = []

    def new_secret(self) -> str:
        filler = bytes([(len(self.issued) + 1) % 256]) * SECRET_BYTES
        secret = SECRET_PREFIX + base64.b64encode(filler).decode()
        self.issued.append(secret)
        return secret


if TYPE_CHECKING:
    # Checked by mypy: the fakes keep the ports' shapes.
    _unit_of_work: IntegrationsUnitOfWork = FakeIntegrationsUnitOfWork(IntegrationsStore())
    _resolver: AddressResolver = FakeAddressResolver()
    _sender: WebhookSender = FakeWebhookSender()
    _secrets: SecretGenerator = FakeSecrets()
