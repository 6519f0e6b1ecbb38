"""The in-memory 'database' work's fakes share, and what its rows do alike."""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from taskhub.contexts.work.domain.comment import Comment
from taskhub.contexts.work.domain.cycle import Cycle, Milestone
from taskhub.contexts.work.domain.label import Label
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.state import State
from taskhub.contexts.work.domain.task import Task
from taskhub.shared_kernel.concurrency import ReadVersions
from taskhub.shared_kernel.events import DomainEvent
from taskhub.shared_kernel.staged_unit_of_work import stored_copy


class WorkStore:
    """The 'database' the fakes share across units of work."""

    def __init__(self) -> None:
        self.projects: dict[uuid.UUID, Project] = {}
        # Each project's last allocated task number (the projects table's counter).
        self.next_numbers: dict[uuid.UUID, int] = {}
        self.tasks: dict[uuid.UUID, Task] = {}
        # Keyed by (task_id, depends_on_id), the table's primary key; the value is
        # when the dependency was added.
        self.dependencies: dict[tuple[uuid.UUID, uuid.UUID], datetime] = {}
        self.labels: dict[uuid.UUID, Label] = {}
        self.comments: dict[uuid.UUID, Comment] = {}
        self.states: dict[uuid.UUID, State] = {}
        self.cycles: dict[uuid.UUID, Cycle] = {}
        self.milestones: dict[uuid.UUID, Milestone] = {}
        # Events of committed units of work, in commit order.
        self.events: list[DomainEvent] = []


class DuplicateKey(Exception):
    """A row with this key exists: what the database's unique constraints refuse."""


class MissingReference(Exception):
    """The row refers to one that does not exist: what a foreign key refuses."""


class Row(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def version(self) -> int: ...


RowT = TypeVar("RowT", bound=Row)


class StoredRows(Generic[RowT]):
    """One table of the store, kept as the SQL adapters keep theirs: copies in and out,
    the version each row was read at checked on update (ADR 0015), and the columns an
    update never writes left as they were stored."""

    def __init__(self, rows: dict[uuid.UUID, RowT], *, kept_on_update: tuple[str, ...]) -> None:
        self._rows = rows
        self._kept = kept_on_update
        self._versions = ReadVersions()

    def insert(self, row: RowT) -> None:
        self._rows[row.id] = stored_copy(row)
        self._versions.note(row.id, row.version)

    def read(self, row_id: uuid.UUID, visible: Callable[[RowT], bool]) -> RowT | None:
        row = self._rows.get(row_id)
        if row is None or not visible(row):
            return None
        self._versions.note(row.id, row.version)
        return stored_copy(row)

    def update(self, row: RowT, check: Callable[[RowT], None] | None = None) -> bool:
        """Write the row back (after `check` of what is stored, which may refuse it);
        False if no such row is stored."""
        stored = self._rows.get(row.id)
        if stored is None:
            return False
        self._versions.check(row.id, stored.version)
        if check is not None:
            check(stored)
        updated = stored_copy(row)
        for name in self._kept:
            setattr(updated, name, getattr(stored, name))
        self._rows[row.id] = updated
        self._versions.note(row.id, row.version)
        return True

    def live(self, keep: Callable[[RowT], bool]) -> list[RowT]:
        return [stored_copy(row) for row in self._rows.values() if keep(row)]
