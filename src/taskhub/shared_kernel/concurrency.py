"""Optimistic concurrency: a write names the version it read, or takes its chances.

A use case that changes a versioned resource loads it for update (locked until commit
where the database can lock) through `load_for_write`, which checks the version the
writer named (`If-Match`); the repository then writes it back compare-and-set, over
the version it read, so of writers holding one version exactly one wins on every
database.
"""

import uuid
from collections.abc import Callable
from typing import Protocol, TypeVar

from taskhub.shared_kernel.errors import NotFound, PreconditionFailed


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)


def ensure_version(current: int, expected: int | None) -> None:
    """Raise PreconditionFailed unless `expected` is None (last writer wins) or current."""
    if expected is not None and expected != current:
        raise PreconditionFailed(
            f"The resource is at version {current}, not {expected}; read it again and retry."
        )


def load_for_write(
    load: Callable[[bool], V | None], expected: int | None, not_found: Callable[[], NotFound]
) -> V:
    """The live resource a write may change, at the version the writer named if it named one.

    `load(include_deleted)` reads it for update. A writer that named a version of a
    resource deleted since (by a concurrent writer holding the same version, say) gets
    PreconditionFailed like every other loser of that race, not NotFound; without a
    version a deleted resource is simply not found.
    """
    found = load(False)
    if found is None:
        if expected is not None and load(True) is not None:
            raise PreconditionFailed(
                "The resource was deleted after that version; read it again before writing."
            )
        raise not_found()
    ensure_version(found.version, expected)
    return found


class ReadVersions:
    """The version at which one unit of work read each row it may write back.

    The SQL adapters (`platform.versioned_rows`) and the in-memory fakes keep one per
    repository and write a row back only over the version noted here.
    """

    def __init__(self) -> None:
        self._read: dict[uuid.UUID, int] = {}

    def note(self, row_id: uuid.UUID, version: int) -> None:
        self._read[row_id] = version

    def of(self, row_id: uuid.UUID) -> int:
        """The version it was read at; a write of a row never read is a programming error."""
        try:
            return self._read[row_id]
        except KeyError:
            raise RuntimeError("a row is written back without being read first") from None

    def check(self, row_id: uuid.UUID, current: int) -> None:
        """Raise PreconditionFailed unless the row is still at the version it was read."""
        if current != self.of(row_id):
            raise changed_meanwhile()


def changed_meanwhile() -> PreconditionFailed:
    return PreconditionFailed(
        "The resource changed while this request was changing it; read it again and retry."
    )
