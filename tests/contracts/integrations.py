"""The contract every implementation of integrations' repositories keeps.

Run against the in-memory fakes (tests/unit) and the SQL adapters on SQLite and
PostgreSQL (tests/integration): a fake that passes here behaves like the database.
Subclasses provide `uow_factory`, a fixture returning a callable that opens a unit of work.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from taskhub.contexts.integrations.application.ports import (
    IntegrationsUnitOfWork,
)
from taskhub.contexts.integrations.domain.delivery import Delivery, DeliveryStatus
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

T = TypeVar("T")

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)

UowFactory = UnitOfWorkFactory[IntegrationsUnitOfWork]


def uid(n: int) -> uuid.UUID:
    """An id whose first and last bytes are `n`, so order by id is easy to read."""
    return uuid.UUID(int=(n << 120) | n)


# Timestamps and ids chosen so that insertion order, timestamp order and id order all
# differ, and three items share one timestamp: the sorted order is by (time, id).
#                 label  minutes  id
ORDERING_CASES = [
    ("x", 1, uid(0x10)),
    ("y", 0, uid(0x90)),
    ("z", 0, uid(0x30)),
    ("w", 2, uid(0x05)),
    ("v", 0, uid(0xF0)),
]
SORTED_LABELS = ["z", "y", "v", "x", "w"]


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


def new_webhook(
    org_id: uuid.UUID,
    *,
    url: str = "https://hooks.example.com/in",
    created_at: datetime = NOW,
    webhook_id: uuid.UUID | None = None,
    description: str = "",
    events: tuple[str, ...] = ("task.created",),
) -> Webhook:
    return Webhook(
        id=webhook_id or new_id(),
        org_id=org_id,
        url=url,
        events=events,
        description=description,
        active=True,
        secret="whsec_" + "A" * 43 + "=",
        created_at=created_at,
        updated_at=created_at,
    )


def new_delivery(
    webhook: Webhook,
    *,
    ordering_key: str = "task-1",
    position: int = 1,
    created_at: datetime = NOW,
    due: datetime | None = NOW,
    event_id: uuid.UUID | None = None,
    delivery_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> Delivery:
    delivery = Delivery.schedule(
        webhook_id=webhook.id,
        org_id=webhook.org_id,
        event_id=event_id or new_id(),
        event_type="task.created",
        ordering_key=ordering_key,
        position=position,
        payload={
            "type": "task.created",
            "timestamp": "2026-11-22T10:00:00Z",
            "data": data if data is not None else {"id": ordering_key, "n": position},
        },
        now=created_at,
    )
    if delivery_id is not None:
        delivery.id = delivery_id
    delivery.next_attempt_at = due
    return delivery


def all_pages(fetch: Callable[[PageRequest], Page[T]], limit: int) -> list[list[T]]:
    """Every page of a list, following `next_after` until it runs out."""
    pages: list[list[T]] = []
    after: tuple[str, ...] | None = None
    while len(pages) < 20:
        page = fetch(PageRequest(limit=limit, after=after))
        pages.append(page.items)
        if page.next_after is None:
            return pages
        after = page.next_after
    raise AssertionError("pagination does not end")


class IntegrationsRepositoryContract:
    # helpers

    def _add_webhooks(self, uow_factory: UowFactory, *webhooks: Webhook) -> None:
        with uow_factory() as uow:
            for webhook in webhooks:
                uow.webhooks.add(webhook)
            uow.commit()

    def _add_deliveries(self, uow_factory: UowFactory, *deliveries: Delivery) -> None:
        with uow_factory() as uow:
            for delivery in deliveries:
                uow.deliveries.add_if_absent(delivery)
            uow.commit()

    def _claim(self, uow_factory: UowFactory, now: datetime, limit: int = 20) -> list[Delivery]:
        with uow_factory() as uow:
            claimed = uow.deliveries.claim_due(now, now + LEASE, limit)
            uow.commit()
        return claimed

    def _finish(
        self,
        uow_factory: UowFactory,
        delivery: Delivery,
        status: DeliveryStatus,
        *,
        next_attempt_at: datetime | None = None,
        now: datetime = NOW,
    ) -> None:
        with uow_factory() as uow:
            loaded = uow.deliveries.get(delivery.org_id, delivery.webhook_id, delivery.id)
            assert loaded is not None
            loaded.status = status
            loaded.attempts += 1
            loaded.next_attempt_at = next_attempt_at
            loaded.updated_at = now
            uow.deliveries.update(loaded)
            uow.commit()

    def _delete(self, uow_factory: UowFactory, webhook: Webhook, now: datetime) -> None:
        with uow_factory() as uow:
            loaded = uow.webhooks.get(webhook.org_id, webhook.id)
            assert loaded is not None
            loaded.delete(now)
            uow.webhooks.update(loaded)
            uow.commit()

    # webhooks

    def test_a_stored_webhook_reads_back_equal_within_its_organization(
        self, uow_factory: UowFactory
    ) -> None:
        org, other = new_id(), new_id()
        webhook = new_webhook(org, description="Partner A", events=("task.created", "task.updated"))
        self._add_webhooks(uow_factory, webhook)
        with uow_factory(read_only=True) as uow:
            loaded = uow.webhooks.get(org, webhook.id)
            assert uow.webhooks.get(other, webhook.id) is None
            assert uow.webhooks.get(org, new_id()) is None
            assert uow.webhooks.get_many({(org, webhook.id)}) == {webhook.id: webhook}
            assert uow.webhooks.get_many({(other, webhook.id)}) == {}
        assert loaded == webhook
        assert loaded is not None
        assert loaded.events == ("task.created", "task.updated")
        assert (loaded.secret, loaded.previous_secret, loaded.failing_since) == (
            webhook.secret,
            None,
            None,
        )

    def test_nothing_is_kept_without_commit(self, uow_factory: UowFactory) -> None:
        webhook = new_webhook(new_id())
        with uow_factory() as uow:
            uow.webhooks.add(webhook)
            uow.deliveries.add_if_absent(new_delivery(webhook))
        with uow_factory() as uow:
            assert uow.webhooks.get(webhook.org_id, webhook.id, include_deleted=True) is None
            assert uow.deliveries.page(webhook.org_id, webhook.id, PageRequest()).items == []

    def test_webhook_updates_are_persisted_but_not_the_org_nor_creation(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        webhook = new_webhook(org)
        self._add_webhooks(uow_factory, webhook)
        with uow_factory() as uow:
            loaded = uow.webhooks.get(org, webhook.id)
            assert loaded is not None
            loaded.change(
                url="https://elsewhere.example.com/x",
                events=("*",),
                description="now everything",
                active=False,
                now=at(60),
            )
            loaded.rotate("whsec_" + "B" * 43 + "=", at(60))
            loaded.failed(at(90))
            loaded.org_id, loaded.created_at = new_id(), at(-999)
            uow.webhooks.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            again = uow.webhooks.get(org, webhook.id)
        assert again is not None
        assert (again.url, again.events, again.description, again.active) == (
            "https://elsewhere.example.com/x",
            ("*",),
            "now everything",
            False,
        )
        assert (again.secret, again.previous_secret) == ("whsec_" + "B" * 43 + "=", webhook.secret)
        assert again.previous_secret_expires_at == at(60) + timedelta(hours=24)
        assert again.failing_since == at(90)
        assert (again.version, again.updated_at) == (3, at(60))
        assert (again.org_id, again.created_at) == (org, NOW)

    def test_a_webhook_change_without_update_is_not_stored(self, uow_factory: UowFactory) -> None:
        org = new_id()
        webhook = new_webhook(org)
        self._add_webhooks(uow_factory, webhook)
        with uow_factory() as uow:
            loaded = uow.webhooks.get(org, webhook.id)
            assert loaded is not None
            loaded.change(url="https://forgotten.example.com/", now=at(1))
            uow.commit()
        with uow_factory() as uow:
            assert uow.webhooks.get(org, webhook.id) == webhook

    def test_a_deleted_webhook_is_seen_only_when_asked_for(self, uow_factory: UowFactory) -> None:
        org = new_id()
        webhook, kept = new_webhook(org), new_webhook(org, created_at=at(1))
        self._add_webhooks(uow_factory, webhook, kept)
        self._delete(uow_factory, webhook, at(30))
        with uow_factory(read_only=True) as uow:
            assert uow.webhooks.get(org, webhook.id) is None
            assert [w.id for w in uow.webhooks.page(org, PageRequest()).items] == [kept.id]
            assert [w.id for w in uow.webhooks.active(org)] == [kept.id]
            deleted = uow.webhooks.get(org, webhook.id, include_deleted=True)
        assert deleted is not None
        assert (deleted.deleted_at, deleted.active) == (at(30), False)

    def test_active_lists_the_live_active_webhooks_of_one_organization(
        self, uow_factory: UowFactory
    ) -> None:
        org, other = new_id(), new_id()
        on, off, gone = new_webhook(org), new_webhook(org), new_webhook(org)
        elsewhere = new_webhook(other)
        self._add_webhooks(uow_factory, on, off, gone, elsewhere)
        with uow_factory() as uow:
            loaded = uow.webhooks.get(org, off.id)
            assert loaded is not None
            loaded.disable("paused", at(1))
            uow.webhooks.update(loaded)
            uow.commit()
        self._delete(uow_factory, gone, at(2))
        with uow_factory(read_only=True) as uow:
            assert [w.id for w in uow.webhooks.active(org)] == [on.id]
            assert [w.id for w in uow.webhooks.active(other)] == [elsewhere.id]
            assert uow.webhooks.active(new_id()) == []
            listed = {w.id for w in uow.webhooks.page(org, PageRequest()).items}
        assert listed == {on.id, off.id}

    def test_active_in_lists_the_live_active_webhooks_of_several_organizations(
        self, uow_factory: UowFactory
    ) -> None:
        first, second, third = new_id(), new_id(), new_id()
        a, b, off, c = (
            new_webhook(first),
            new_webhook(second),
            new_webhook(second),
            new_webhook(third),
        )
        self._add_webhooks(uow_factory, a, b, off, c)
        with uow_factory() as uow:
            loaded = uow.webhooks.get(second, off.id)
            assert loaded is not None
            loaded.disable("paused", at(1))
            uow.webhooks.update(loaded)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert {w.id for w in uow.webhooks.active_in({first, second})} == {a.id, b.id}
            assert uow.webhooks.active_in({new_id()}) == []
            assert uow.webhooks.active_in(set()) == []

    def test_get_many_finds_webhooks_by_key_deleted_ones_too(self, uow_factory: UowFactory) -> None:
        org = new_id()
        live, gone, elsewhere = new_webhook(org), new_webhook(org), new_webhook(new_id())
        self._add_webhooks(uow_factory, live, gone, elsewhere)
        self._delete(uow_factory, gone, at(2))
        missing = new_id()
        with uow_factory(read_only=True) as uow:
            found = uow.webhooks.get_many(
                {(org, live.id), (org, gone.id), (elsewhere.org_id, elsewhere.id), (org, missing)}
            )
            assert uow.webhooks.get_many(set()) == {}
            # A webhook is found only in its own organization.
            assert uow.webhooks.get_many({(org, elsewhere.id)}) == {}
        assert set(found) == {live.id, gone.id, elsewhere.id}
        assert found[live.id] == live
        assert found[gone.id].deleted_at == at(2)

    def _webhooks_of_one_org(self, uow_factory: UowFactory) -> uuid.UUID:
        org = new_id()
        hooks = [
            new_webhook(org, description=label, created_at=at(60 * minutes), webhook_id=hook_id)
            for label, minutes, hook_id in ORDERING_CASES
        ]
        self._add_webhooks(uow_factory, *hooks, new_webhook(new_id(), created_at=at(-60)))
        return org

    def test_webhooks_are_listed_by_creation_then_id(self, uow_factory: UowFactory) -> None:
        org = self._webhooks_of_one_org(uow_factory)
        with uow_factory(read_only=True) as uow:
            page = uow.webhooks.page(org, PageRequest(limit=10))
        assert [w.description for w in page.items] == SORTED_LABELS
        assert page.next_after is None

    def test_webhooks_come_in_pages(self, uow_factory: UowFactory) -> None:
        org = self._webhooks_of_one_org(uow_factory)
        with uow_factory(read_only=True) as uow:
            first = uow.webhooks.page(org, PageRequest(limit=1))
            pages = all_pages(lambda p: uow.webhooks.page(org, p), limit=2)
            exact = uow.webhooks.page(org, PageRequest(limit=5))
        (only,) = first.items
        assert first.next_after == (only.created_at.isoformat(), str(only.id))
        assert [[w.description for w in page] for page in pages] == [
            ["z", "y"],
            ["v", "x"],
            ["w"],
        ]
        assert exact.next_after is None

    # deliveries

    def test_a_delivery_is_kept_once_per_webhook_and_event(self, uow_factory: UowFactory) -> None:
        org = new_id()
        webhook, other = new_webhook(org), new_webhook(org)
        self._add_webhooks(uow_factory, webhook, other)
        event_id = new_id()
        first = new_delivery(webhook, event_id=event_id)
        self._add_deliveries(uow_factory, first)
        again = new_delivery(webhook, event_id=event_id, position=9, data={"changed": True})
        self._add_deliveries(uow_factory, again, new_delivery(other, event_id=event_id))
        with uow_factory(read_only=True) as uow:
            stored = uow.deliveries.page(webhook.org_id, webhook.id, PageRequest()).items
            assert uow.deliveries.get(webhook.org_id, webhook.id, again.id) is None
            assert len(uow.deliveries.page(other.org_id, other.id, PageRequest()).items) == 1
        assert stored == [first]

    def test_adding_a_delivery_says_whether_it_was_new(self, uow_factory: UowFactory) -> None:
        org = new_id()
        webhook, other = new_webhook(org), new_webhook(org)
        self._add_webhooks(uow_factory, webhook, other)
        event_id = new_id()
        with uow_factory() as uow:
            assert uow.deliveries.add_if_absent(new_delivery(webhook, event_id=event_id)) is True
            uow.commit()
        with uow_factory() as uow:
            assert uow.deliveries.add_if_absent(new_delivery(webhook, event_id=event_id)) is False
            assert uow.deliveries.add_if_absent(new_delivery(other, event_id=event_id)) is True
            uow.commit()

    def test_adding_deliveries_together_counts_the_new_ones(self, uow_factory: UowFactory) -> None:
        org = new_id()
        webhook, other = new_webhook(org), new_webhook(org)
        self._add_webhooks(uow_factory, webhook, other)
        known = new_delivery(webhook)
        self._add_deliveries(uow_factory, known)
        fresh = [new_delivery(webhook, ordering_key=f"task-{n}") for n in range(3)]
        again = new_delivery(webhook, event_id=known.event_id, data={"changed": True})
        with uow_factory() as uow:
            assert uow.deliveries.add_all_if_absent([*fresh, again, new_delivery(other)]) == 4
            assert uow.deliveries.add_all_if_absent([]) == 0
            uow.commit()
        with uow_factory(read_only=True) as uow:
            stored = uow.deliveries.page(webhook.org_id, webhook.id, PageRequest(limit=10)).items
        assert {d.id for d in stored} == {known.id, *(d.id for d in fresh)}

    def test_outcomes_of_several_deliveries_are_recorded_together(
        self, uow_factory: UowFactory
    ) -> None:
        webhook = new_webhook(new_id())
        self._add_webhooks(uow_factory, webhook)
        first, second = new_delivery(webhook), new_delivery(webhook, ordering_key="task-2")
        self._add_deliveries(uow_factory, first, second)
        first.status, first.attempts, first.response_status = DeliveryStatus.SUCCEEDED, 1, 200
        first.next_attempt_at = None
        second.status, second.attempts, second.last_error = DeliveryStatus.RETRYING, 1, "boom"
        second.next_attempt_at = at(5)
        with uow_factory() as uow:
            uow.deliveries.update_all([first, second])
            uow.deliveries.update_all([])
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.deliveries.get(webhook.org_id, webhook.id, first.id) == first
            assert uow.deliveries.get(webhook.org_id, webhook.id, second.id) == second

    def test_a_stored_delivery_reads_back_equal_under_its_webhook_only(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        webhook, other = new_webhook(org), new_webhook(org)
        self._add_webhooks(uow_factory, webhook, other)
        delivery = new_delivery(
            webhook, data={"id": "t", "nested": {"list": [1, "two", None, True]}}
        )
        self._add_deliveries(uow_factory, delivery)
        with uow_factory(read_only=True) as uow:
            loaded = uow.deliveries.get(webhook.org_id, webhook.id, delivery.id)
            assert uow.deliveries.get(other.org_id, other.id, delivery.id) is None
            assert uow.deliveries.get(webhook.org_id, webhook.id, new_id()) is None
        assert loaded == delivery
        assert loaded is not None
        assert (loaded.status, loaded.attempts, loaded.response_status, loaded.last_error) == (
            DeliveryStatus.PENDING,
            0,
            None,
            None,
        )
        assert loaded.payload["data"]["nested"] == {"list": [1, "two", None, True]}

    def test_delivery_outcomes_are_persisted_but_not_what_was_scheduled(
        self, uow_factory: UowFactory
    ) -> None:
        webhook = new_webhook(new_id())
        self._add_webhooks(uow_factory, webhook)
        delivery = new_delivery(webhook)
        self._add_deliveries(uow_factory, delivery)
        with uow_factory() as uow:
            loaded = uow.deliveries.get(webhook.org_id, webhook.id, delivery.id)
            assert loaded is not None
            loaded.status = DeliveryStatus.RETRYING
            loaded.attempts = 2
            loaded.response_status = 503
            loaded.duration_ms = 1234
            loaded.next_attempt_at = at(300)
            loaded.last_error = "Service Unavailable"
            loaded.updated_at = at(5)
            loaded.payload = {"tampered": True}
            loaded.position = 99
            uow.deliveries.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            again = uow.deliveries.get(webhook.org_id, webhook.id, delivery.id)
        assert again is not None
        assert (
            again.status,
            again.attempts,
            again.response_status,
            again.duration_ms,
            again.next_attempt_at,
            again.last_error,
            again.updated_at,
        ) == (DeliveryStatus.RETRYING, 2, 503, 1234, at(300), "Service Unavailable", at(5))
        assert (again.payload, again.position, again.created_at) == (
            delivery.payload,
            delivery.position,
            NOW,
        )

    def _deliveries_of_one_webhook(self, uow_factory: UowFactory) -> Webhook:
        org = new_id()
        webhook, other = new_webhook(org), new_webhook(org)
        self._add_webhooks(uow_factory, webhook, other)
        self._add_deliveries(
            uow_factory,
            *[
                new_delivery(
                    webhook,
                    ordering_key=label,
                    created_at=at(60 * minutes),
                    delivery_id=delivery_id,
                )
                for label, minutes, delivery_id in ORDERING_CASES
            ],
            new_delivery(other, ordering_key="elsewhere", created_at=at(600)),
        )
        return webhook

    def test_deliveries_are_listed_newest_first(self, uow_factory: UowFactory) -> None:
        webhook = self._deliveries_of_one_webhook(uow_factory)
        with uow_factory(read_only=True) as uow:
            page = uow.deliveries.page(webhook.org_id, webhook.id, PageRequest(limit=10))
        assert [d.ordering_key for d in page.items] == list(reversed(SORTED_LABELS))
        assert page.next_after is None

    def test_deliveries_come_in_pages(self, uow_factory: UowFactory) -> None:
        webhook = self._deliveries_of_one_webhook(uow_factory)
        with uow_factory(read_only=True) as uow:
            first = uow.deliveries.page(webhook.org_id, webhook.id, PageRequest(limit=1))
            pages = all_pages(lambda p: uow.deliveries.page(webhook.org_id, webhook.id, p), limit=2)
            exact = uow.deliveries.page(webhook.org_id, webhook.id, PageRequest(limit=5))
        (only,) = first.items
        assert first.next_after == (only.created_at.isoformat(), str(only.id))
        assert [[d.ordering_key for d in page] for page in pages] == [
            ["w", "x"],
            ["v", "y"],
            ["z"],
        ]
        assert exact.next_after is None

    # claiming

    def test_only_due_unfinished_deliveries_are_claimed_earliest_first(
        self, uow_factory: UowFactory
    ) -> None:
        webhook = new_webhook(new_id())
        self._add_webhooks(uow_factory, webhook)
        later = new_delivery(webhook, ordering_key="a", due=at(10))
        now_due = new_delivery(webhook, ordering_key="b", due=at(0))
        earlier = new_delivery(webhook, ordering_key="c", due=at(-10))
        future = new_delivery(webhook, ordering_key="d", due=at(11))
        done = new_delivery(webhook, ordering_key="e", due=at(-20))
        given_up = new_delivery(webhook, ordering_key="f", due=at(-20))
        unscheduled = new_delivery(webhook, ordering_key="g", due=None)
        self._add_deliveries(
            uow_factory, later, now_due, earlier, future, done, given_up, unscheduled
        )
        self._finish(uow_factory, done, DeliveryStatus.SUCCEEDED, next_attempt_at=at(-20))
        self._finish(uow_factory, given_up, DeliveryStatus.FAILED, next_attempt_at=at(-20))
        claimed = self._claim(uow_factory, at(10))
        assert [d.id for d in claimed] == [earlier.id, now_due.id, later.id]
        assert claimed[0] == earlier

    def test_claims_respect_the_limit_and_the_rest_stay_due(self, uow_factory: UowFactory) -> None:
        webhook = new_webhook(new_id())
        self._add_webhooks(uow_factory, webhook)
        deliveries = [new_delivery(webhook, ordering_key=f"k{n}", due=at(n)) for n in range(5)]
        self._add_deliveries(uow_factory, *deliveries)
        first = self._claim(uow_factory, at(10), limit=2)
        second = self._claim(uow_factory, at(10), limit=10)
        third = self._claim(uow_factory, at(10), limit=10)
        assert [d.id for d in first] == [d.id for d in deliveries[:2]]
        assert [d.id for d in second] == [d.id for d in deliveries[2:]]
        assert third == []

    def test_a_lease_keeps_others_off_until_it_runs_out(self, uow_factory: UowFactory) -> None:
        webhook = new_webhook(new_id())
        self._add_webhooks(uow_factory, webhook)
        delivery = new_delivery(webhook)
        self._add_deliveries(uow_factory, delivery)
        assert [d.id for d in self._claim(uow_factory, NOW)] == [delivery.id]
        assert self._claim(uow_factory, at(1)) == []
        # The lease runs until NOW + LEASE: still held at that instant, free just after.
        assert self._claim(uow_factory, NOW + LEASE) == []
        assert [d.id for d in self._claim(uow_factory, NOW + LEASE + timedelta(seconds=1))] == [
            delivery.id
        ]

    def test_a_claim_is_not_kept_without_commit(self, uow_factory: UowFactory) -> None:
        webhook = new_webhook(new_id())
        self._add_webhooks(uow_factory, webhook)
        delivery = new_delivery(webhook)
        self._add_deliveries(uow_factory, delivery)
        with uow_factory() as uow:
            assert len(uow.deliveries.claim_due(NOW, NOW + LEASE, 10)) == 1
        assert [d.id for d in self._claim(uow_factory, NOW)] == [delivery.id]

    def test_recording_an_outcome_ends_the_lease(self, uow_factory: UowFactory) -> None:
        webhook = new_webhook(new_id())
        self._add_webhooks(uow_factory, webhook)
        delivery = new_delivery(webhook)
        self._add_deliveries(uow_factory, delivery)
        (claimed,) = self._claim(uow_factory, NOW)
        self._finish(uow_factory, claimed, DeliveryStatus.RETRYING, next_attempt_at=at(5))
        assert self._claim(uow_factory, at(4)) == []
        (again,) = self._claim(uow_factory, at(5))
        assert (again.id, again.status, again.attempts) == (
            delivery.id,
            DeliveryStatus.RETRYING,
            1,
        )

    def test_only_the_oldest_unfinished_delivery_of_an_entity_is_due(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        webhook, other = new_webhook(org), new_webhook(org)
        self._add_webhooks(uow_factory, webhook, other)
        first = new_delivery(webhook, ordering_key="task-1", position=1)
        second = new_delivery(webhook, ordering_key="task-1", position=2)
        third = new_delivery(webhook, ordering_key="task-1", position=3)
        unrelated = new_delivery(webhook, ordering_key="task-2", position=2)
        elsewhere = new_delivery(other, ordering_key="task-1", position=2)
        # Added newest first: the order is the position's, not the insertion's.
        self._add_deliveries(uow_factory, third, second, unrelated, elsewhere, first)

        claimed = self._claim(uow_factory, NOW)
        assert {d.id for d in claimed} == {first.id, unrelated.id, elsewhere.id}
        self._finish(uow_factory, unrelated, DeliveryStatus.SUCCEEDED)
        self._finish(uow_factory, elsewhere, DeliveryStatus.SUCCEEDED)

        # While the first waits for its retry, the second is not due, though its time is.
        self._finish(uow_factory, first, DeliveryStatus.RETRYING, next_attempt_at=at(300))
        assert self._claim(uow_factory, at(100)) == []

        self._finish(uow_factory, first, DeliveryStatus.SUCCEEDED, now=at(300))
        assert [d.id for d in self._claim(uow_factory, at(301))] == [second.id]
        # Failing for good finishes it too: the next one goes.
        self._finish(uow_factory, second, DeliveryStatus.FAILED, now=at(302))
        assert [d.id for d in self._claim(uow_factory, at(303))] == [third.id]

    def test_an_in_flight_delivery_holds_back_the_next_of_its_entity(
        self, uow_factory: UowFactory
    ) -> None:
        webhook = new_webhook(new_id())
        self._add_webhooks(uow_factory, webhook)
        first = new_delivery(webhook, position=1)
        second = new_delivery(webhook, position=2)
        self._add_deliveries(uow_factory, first, second)
        assert [d.id for d in self._claim(uow_factory, NOW)] == [first.id]
        assert self._claim(uow_factory, NOW + LEASE + timedelta(seconds=1)) == [first]

    def test_at_one_position_the_earlier_created_goes_first(self, uow_factory: UowFactory) -> None:
        webhook = new_webhook(new_id())
        self._add_webhooks(uow_factory, webhook)
        older = new_delivery(webhook, position=0, created_at=NOW, due=at(5))
        newer = new_delivery(webhook, position=0, created_at=at(1), due=at(1))
        self._add_deliveries(uow_factory, newer, older)
        assert self._claim(uow_factory, at(4)) == []
        assert [d.id for d in self._claim(uow_factory, at(5))] == [older.id]

    # giving up

    def test_failing_the_unfinished_deliveries_of_one_webhook(
        self, uow_factory: UowFactory
    ) -> None:
        org = new_id()
        webhook, other = new_webhook(org), new_webhook(org)
        self._add_webhooks(uow_factory, webhook, other)
        pending = new_delivery(webhook, ordering_key="a")
        retrying = new_delivery(webhook, ordering_key="b")
        succeeded = new_delivery(webhook, ordering_key="c")
        elsewhere = new_delivery(other, ordering_key="a")
        self._add_deliveries(uow_factory, pending, retrying, succeeded, elsewhere)
        self._finish(uow_factory, retrying, DeliveryStatus.RETRYING, next_attempt_at=at(5))
        self._finish(uow_factory, succeeded, DeliveryStatus.SUCCEEDED)
        self._claim(uow_factory, NOW)  # leases pending (and elsewhere)

        with uow_factory() as uow:
            assert (
                uow.deliveries.fail_unfinished(webhook.org_id, webhook.id, "x" * 600, at(30)) == 2
            )
            uow.commit()
        with uow_factory(read_only=True) as uow:
            loaded = {
                d.id: d
                for d in uow.deliveries.page(webhook.org_id, webhook.id, PageRequest()).items
            }
            untouched = uow.deliveries.get(other.org_id, other.id, elsewhere.id)
        for failed in (pending, retrying):
            current = loaded[failed.id]
            assert (current.status, current.next_attempt_at, current.updated_at) == (
                DeliveryStatus.FAILED,
                None,
                at(30),
            )
            assert current.last_error == "x" * 500
        assert loaded[succeeded.id].status is DeliveryStatus.SUCCEEDED
        assert loaded[succeeded.id].last_error is None
        assert untouched is not None
        assert untouched.status is DeliveryStatus.PENDING
        # Nothing of the webhook is ever claimed again; the other's lease has run out.
        assert [d.id for d in self._claim(uow_factory, at(100))] == [elsewhere.id]
        with uow_factory() as uow:
            assert uow.deliveries.fail_unfinished(webhook.org_id, webhook.id, "again", at(31)) == 0
