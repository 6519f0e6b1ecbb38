"""The contract every implementation of audit's entry repository keeps.

Run against the in-memory fake (tests/unit) and the SQL adapter on SQLite and
PostgreSQL (tests/integration): a fake that passes here behaves like the database.
Subclasses provide `uow_factory`, a fixture returning a callable that opens a unit of work.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from taskhub.contexts.audit.application.ports import (
    AuditFilter,
    AuditUnitOfWork,
)
from taskhub.contexts.audit.application.testing.fakes import fake_link_key
from taskhub.contexts.audit.domain.chain import GENESIS_HASH, ChainHead, verify_chain
from taskhub.contexts.audit.domain.entry import AuditEntry, EntryDraft
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.shared_kernel.acting import ActorType
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

KEY = fake_link_key("contract")
"""What entries are linked with in these tests (the server derives it from its secret)."""
KEYS = [KEY]

T = TypeVar("T")

UowFactory = UnitOfWorkFactory[AuditUnitOfWork]

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def draft(**overrides: Any) -> EntryDraft:
    values: dict[str, Any] = {
        "occurred_at": NOW,
        "actor_type": ActorType.USER,
        "actor_id": uuid.uuid4(),
        "action": "widget.changed",
        "entity_type": "widget",
        "entity_id": uuid.uuid4(),
        "changes": {"name": ("Old", "New")},
        "ip": "203.0.113.7",
        "user_agent": "tests/1.0",
        "request_id": "req-1",
    }
    values.update(overrides)
    return EntryDraft.create(**values)


def all_pages(fetch: Callable[[PageRequest], Page[T]], limit: int) -> list[list[T]]:
    """Every page of a list, following `next_after` until it runs out."""
    pages: list[list[T]] = []
    after: tuple[str, ...] | None = None
    while len(pages) < 50:
        page = fetch(PageRequest(limit=limit, after=after))
        pages.append(page.items)
        if page.next_after is None:
            return pages
        after = page.next_after
    raise AssertionError("pagination does not end")


class AuditRepositoryContract:
    def _append(
        self, uow_factory: UowFactory, chain_key: ChainKey, *drafts: EntryDraft
    ) -> list[AuditEntry]:
        with uow_factory() as uow:
            entries = uow.entries.append(chain_key, list(drafts), KEY)
            uow.commit()
        return entries

    def _list(
        self,
        uow_factory: UowFactory,
        chain_key: ChainKey,
        criteria: AuditFilter | None = None,
        page: PageRequest | None = None,
    ) -> Page[AuditEntry]:
        with uow_factory(read_only=True) as uow:
            return uow.entries.page(chain_key, criteria or AuditFilter(), page or PageRequest())

    def _chain(self, uow_factory: UowFactory, chain_key: ChainKey) -> list[AuditEntry]:
        with uow_factory(read_only=True) as uow:
            return list(uow.entries.chain(chain_key))

    # appending

    def test_entries_are_chained_from_genesis(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        first = self._append(uow_factory, org, draft(), draft())
        second = self._append(uow_factory, org, draft())
        entries = first + second
        assert [e.seq for e in entries] == [1, 2, 3]
        assert entries[0].prev_hash == GENESIS_HASH
        assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
        with uow_factory(read_only=True) as uow:
            assert uow.entries.head(org) == ChainHead(org, 3, entries[-1].hash)
        walked = self._chain(uow_factory, org)
        assert walked == entries
        assert verify_chain(walked, KEYS, head=ChainHead(org, 3, entries[-1].hash)).valid

    def test_a_stored_entry_reads_back_equal(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        written = draft(
            occurred_at=datetime(2026, 11, 22, 10, 0, 0, 123456, tzinfo=UTC),
            actor_type=ActorType.API_KEY,
            changes={
                "title": ("Ünïcode ✓", "日本語"),
                "count": (1, 2**40),
                "ratio": (0.1, 2.5),
                "done": (False, True),
                "due_at": (None, "2026-12-01T00:00:00.000000Z"),
                "labels": ([], ["a", "b"]),
                "meta": ({}, {"nested": {"deep": [1, None]}}),
            },
            ip="2001:db8::1",
            user_agent=None,
            request_id=None,
        )
        [appended] = self._append(uow_factory, org, written)
        [listed] = self._list(uow_factory, org).items
        [walked] = self._chain(uow_factory, org)
        assert listed == appended
        assert walked == appended
        assert listed.occurred_at == written.occurred_at
        assert verify_chain([listed], KEYS).valid

    def test_awkward_text_is_stored_and_hashed_faithfully(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        written = draft(
            changes={"body": ("nul\x00inside", "lone \ud800 surrogate"), "emoji": (None, "🦆")},
            user_agent="agent\x00/1.0",
            request_id="r\x00",
        )
        [appended] = self._append(uow_factory, org, written)
        [listed] = self._list(uow_factory, org).items
        assert listed == appended
        assert listed.changes["body"] == ("nul\x00inside", "lone \\ud800 surrogate")
        assert listed.user_agent == "agent\\x00/1.0"
        assert verify_chain([listed], KEYS).valid

    def test_an_unknown_chain_is_empty(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        with uow_factory(read_only=True) as uow:
            assert uow.entries.head(org) is None
            assert uow.entries.page(org, AuditFilter(), PageRequest()) == Page(items=[])
            assert list(uow.entries.chain(org)) == []

    def test_appending_nothing_creates_no_chain(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        assert self._append(uow_factory, org) == []
        with uow_factory(read_only=True) as uow:
            assert uow.entries.head(org) is None

    def test_nothing_is_kept_without_commit(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        with uow_factory() as uow:
            uow.entries.append(org, [draft()], KEY)
        with uow_factory(read_only=True) as uow:
            assert uow.entries.head(org) is None
            assert list(uow.entries.chain(org)) == []
        [entry] = self._append(uow_factory, org, draft())
        assert entry.seq == 1

    def test_chains_are_independent(self, uow_factory: UowFactory) -> None:
        owner = uuid.uuid4()
        org, user, other = ChainKey.org(owner), ChainKey.user(owner), ChainKey.org(uuid.uuid4())
        self._append(uow_factory, org, draft(action="a.one"), draft(action="a.two"))
        self._append(uow_factory, user, draft(action="u.one"))
        self._append(uow_factory, other, draft(action="o.one"))
        assert [e.action for e in self._list(uow_factory, org).items] == ["a.two", "a.one"]
        assert [e.action for e in self._list(uow_factory, user).items] == ["u.one"]
        assert [(e.chain_key, e.seq) for e in self._chain(uow_factory, user)] == [(user, 1)]
        assert [e.seq for e in self._chain(uow_factory, other)] == [1]

    # listing

    def test_listing_is_newest_first_by_seq_not_by_time(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        # Appended in this order, with times that disagree with it.
        self._append(uow_factory, org, draft(action="first", occurred_at=at(5)))
        self._append(uow_factory, org, draft(action="second", occurred_at=at(1)))
        self._append(uow_factory, org, draft(action="third", occurred_at=at(3)))
        listed = self._list(uow_factory, org).items
        assert [e.action for e in listed] == ["third", "second", "first"]
        assert [e.action for e in self._chain(uow_factory, org)] == ["first", "second", "third"]

    def test_pages_cover_the_log_exactly_once(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        self._append(uow_factory, org, *[draft(action=f"step.{n}") for n in range(7)])
        for limit in (1, 2, 3, 7, 8):
            pages = all_pages(lambda page: self._list(uow_factory, org, page=page), limit)
            seqs = [e.seq for page in pages for e in page]
            assert seqs == [7, 6, 5, 4, 3, 2, 1], limit
            assert all(len(page) <= limit for page in pages)
        assert self._list(uow_factory, org, page=PageRequest(limit=7)).next_after is None

    def test_a_page_stays_stable_while_entries_are_appended(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        self._append(uow_factory, org, *[draft() for _ in range(4)])
        first = self._list(uow_factory, org, page=PageRequest(limit=2))
        self._append(uow_factory, org, draft(), draft())
        second = self._list(uow_factory, org, page=PageRequest(limit=2, after=first.next_after))
        assert [e.seq for e in first.items + second.items] == [4, 3, 2, 1]

    def test_filters(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        alice, bob = uuid.uuid4(), uuid.uuid4()
        task, other_task = uuid.uuid4(), uuid.uuid4()
        self._append(
            uow_factory,
            org,
            draft(actor_id=alice, action="task.created", entity_id=task, entity_type="task",
                  occurred_at=at(0)),
            draft(actor_id=bob, action="task.updated", entity_id=task, entity_type="task",
                  occurred_at=at(10)),
            draft(actor_id=alice, action="task.updated", entity_id=other_task,
                  entity_type="task", occurred_at=at(20)),
            draft(actor_id=None, actor_type=ActorType.SYSTEM, action="webhook.disabled",
                  entity_id=uuid.uuid4(), entity_type="webhook", occurred_at=at(30)),
        )  # fmt: skip

        def seqs(**criteria: Any) -> list[int]:
            return [e.seq for e in self._list(uow_factory, org, AuditFilter(**criteria)).items]

        assert seqs() == [4, 3, 2, 1]
        assert seqs(actor_id=alice) == [3, 1]
        assert seqs(actor_id=uuid.uuid4()) == []
        assert seqs(action="task.updated") == [3, 2]
        assert seqs(action="task") == []
        assert seqs(entity_type="webhook") == [4]
        assert seqs(entity_id=task) == [2, 1]
        assert seqs(entity_type="task", entity_id=task) == [2, 1]
        assert seqs(entity_type="webhook", entity_id=task) == []
        # `since` is inclusive, `until` exclusive.
        assert seqs(since=at(10)) == [4, 3, 2]
        assert seqs(until=at(10)) == [1]
        assert seqs(since=at(10), until=at(30)) == [3, 2]
        assert seqs(since=at(10), until=at(10) + timedelta(microseconds=1)) == [2]
        assert seqs(since=at(10) - timedelta(microseconds=1), until=at(10)) == []
        assert seqs(since=at(31)) == []
        assert seqs(actor_id=alice, action="task.updated", since=at(15)) == [3]

    def test_filters_page_through_matching_entries_only(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        actions = ["keep", "skip", "keep", "keep", "skip", "skip", "keep", "keep"]
        self._append(uow_factory, org, *[draft(action=a) for a in actions])
        criteria = AuditFilter(action="keep")
        pages = all_pages(lambda page: self._list(uow_factory, org, criteria, page), 2)
        assert [[e.seq for e in page] for page in pages] == [[8, 7], [4, 3], [1]]

    @pytest.mark.parametrize("after", [("1", "2"), ("not-a-number",), ()])
    def test_a_cursor_from_another_list_is_refused(
        self, uow_factory: UowFactory, after: tuple[str, ...]
    ) -> None:
        org = ChainKey.org(uuid.uuid4())
        self._append(uow_factory, org, draft())
        with pytest.raises(ValidationFailed) as raised:
            self._list(uow_factory, org, page=PageRequest(after=after))
        assert [e.field for e in raised.value.errors] == ["cursor"]

    # walking

    def test_walking_a_long_chain_reads_every_entry_in_order(self, uow_factory: UowFactory) -> None:
        org = ChainKey.org(uuid.uuid4())
        for _ in range(3):
            self._append(uow_factory, org, *[draft() for _ in range(40)])
        walked = self._chain(uow_factory, org)
        assert [e.seq for e in walked] == list(range(1, 121))
        with uow_factory(read_only=True) as uow:
            head = uow.entries.head(org)
        assert verify_chain(walked, KEYS, head=head) == (True, 120, None)
