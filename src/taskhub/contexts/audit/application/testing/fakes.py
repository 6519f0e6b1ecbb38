"""Fakes of audit's ports: chains kept in memory, staged per unit of work."""

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from taskhub.contexts.audit.application.ports import (
    AuditEntryRepository,
    AuditFilter,
    AuditUnitOfWork,
    ChainKeys,
)
from taskhub.contexts.audit.domain.chain import ChainHead, LinkKey
from taskhub.contexts.audit.domain.entry import AuditEntry, EntryDraft
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.shared_kernel.events import DomainEvent
from taskhub.shared_kernel.in_memory_pages import KeyOrder, KeyTerm, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.staged_unit_of_work import StagedUnitOfWork


class AuditStore:
    """The 'database' the fakes share: each chain's entries, by seq, and its head."""

    def __init__(self) -> None:
        self.entries: dict[ChainKey, list[AuditEntry]] = {}
        self.heads: dict[ChainKey, ChainHead] = {}
        # The audit trail records no events of its own; the staged unit of work keeps any.
        self.events: list[DomainEvent] = []


class DuplicateKey(Exception):
    """What the database's unique (chain_key, seq) or primary-key violation means here."""


# Newest first by `seq`, as the SQL list reads it.
_NEWEST_FIRST: KeyOrder[AuditEntry] = KeyOrder(
    terms=(KeyTerm(int, descending=True),), values=lambda entry: (entry.seq,)
)


class FakeAuditEntryRepository:
    def __init__(self, store: AuditStore) -> None:
        self._store = store

    def append(
        self, chain_key: ChainKey, drafts: Sequence[EntryDraft], key: LinkKey
    ) -> list[AuditEntry]:
        if not drafts:
            return []
        head = self._store.heads.get(chain_key) or ChainHead.genesis(chain_key)
        stored = self._store.entries.setdefault(chain_key, [])
        known_ids = {e.id for chain in self._store.entries.values() for e in chain}
        appended = []
        for draft in drafts:
            if draft.id in known_ids:
                raise DuplicateKey(f"an audit entry with id {draft.id} exists")
            entry, head = head.append(draft, key)
            if any(e.seq == entry.seq for e in stored):
                raise DuplicateKey(f"{chain_key} already has an entry {entry.seq}")
            stored.append(entry)
            known_ids.add(entry.id)
            appended.append(entry)
        self._store.heads[chain_key] = head
        return appended

    def head(self, chain_key: ChainKey) -> ChainHead | None:
        return self._store.heads.get(chain_key)

    def page(
        self, chain_key: ChainKey, criteria: AuditFilter, page: PageRequest
    ) -> Page[AuditEntry]:
        entries = self._store.entries.get(chain_key, [])
        return keyset_page([e for e in entries if criteria.matches(e)], page, _NEWEST_FIRST)

    def chain(self, chain_key: ChainKey) -> Iterator[AuditEntry]:
        yield from sorted(self._store.entries.get(chain_key, []), key=lambda e: e.seq)


class FakeChainKeys:
    """Fixed keys, the first one current; `rotate` makes a new one current."""

    def __init__(self, *keys: LinkKey) -> None:
        self._keys = list(keys) or [fake_link_key("one")]

    def current(self) -> LinkKey:
        return self._keys[0]

    def all(self) -> list[LinkKey]:
        return list(self._keys)

    def rotate(self, key: LinkKey, *, keep_previous: bool = True) -> None:
        self._keys = [key, *(self._keys if keep_previous else [])]


def fake_link_key(name: str) -> LinkKey:
    return LinkKey(key_id=f"{name:0>16}"[-16:], material=name.encode().ljust(32, b"."))


class FakeAuditUnitOfWork(StagedUnitOfWork[AuditStore]):
    """Changes are staged on a copy of the store and swapped in on commit."""

    entries: AuditEntryRepository

    def _open(self, staged: AuditStore) -> None:
        self.entries = FakeAuditEntryRepository(staged)


if TYPE_CHECKING:
    # Checked by mypy: the fakes keep the ports' shapes.
    _unit_of_work: AuditUnitOfWork = FakeAuditUnitOfWork(AuditStore())
    _chain_keys: ChainKeys = FakeChainKeys()
