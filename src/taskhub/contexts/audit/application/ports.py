"""What audit's use cases need from storage: one repository over every chain."""

import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from taskhub.contexts.audit.domain.chain import ChainHead, LinkKey
from taskhub.contexts.audit.domain.entry import AuditEntry, EntryDraft
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWork


@attrs.frozen(kw_only=True)
class AuditFilter:
    """Narrows a log listing; every criterion given must hold.

    Times form a half-open window: `since` is inclusive, `until` exclusive, so
    consecutive windows neither overlap nor leave gaps.
    """

    actor_id: uuid.UUID | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None

    def matches(self, entry: AuditEntry) -> bool:
        return (
            (self.actor_id is None or entry.actor_id == self.actor_id)
            and (self.action is None or entry.action == self.action)
            and (self.entity_type is None or entry.entity_type == self.entity_type)
            and (self.entity_id is None or entry.entity_id == self.entity_id)
            and (self.since is None or entry.occurred_at >= self.since)
            and (self.until is None or entry.occurred_at < self.until)
        )


class ChainKeys(Protocol):
    """The keys that link entries, derived from the server's secret and never stored
    in the database; the previous secrets' keys are kept so old entries still verify."""

    def current(self) -> LinkKey:
        """The key new entries are linked with."""
        ...

    def all(self) -> list[LinkKey]:
        """Every key an entry may have been linked with, the current one first."""
        ...


class AuditEntryRepository(Protocol):
    def append(
        self, chain_key: ChainKey, drafts: Sequence[EntryDraft], key: LinkKey
    ) -> list[AuditEntry]:
        """Chain the drafts, in order, onto the chain's head, linked with `key`, and store
        them.

        The head stays locked until the transaction ends, so concurrent writers queue
        and a chain never forks.
        """
        ...

    def head(self, chain_key: ChainKey) -> ChainHead | None:
        """None for a chain never written to."""
        ...

    def page(
        self, chain_key: ChainKey, criteria: AuditFilter, page: PageRequest
    ) -> Page[AuditEntry]:
        """Newest first (by `seq`); the cursor is the last `seq` seen."""
        ...

    def chain(self, chain_key: ChainKey) -> Iterator[AuditEntry]:
        """Every entry of the chain, oldest first (by `seq`), read while the unit is open."""
        ...


class AuditUnitOfWork(UnitOfWork, Protocol):
    """A read-only unit sees one consistent snapshot of every chain."""

    @property
    def entries(self) -> AuditEntryRepository: ...
