"""Numbering and storing the tasks one unit of work creates."""

import uuid
from collections import Counter

from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.rank import rank_between
from taskhub.contexts.work.domain.task import Task


class NewTasks:
    """The tasks one unit of work creates, numbered and stored together.

    A batch's creates read each project once, reserve the numbers of all its creates in
    that project with one lock and one counter update (when its first create is
    numbered, so projects are locked in operation order, as one by one), and are
    stored together. Numbers stay gap-free and in operation order: a batch either uses
    every number it reserved or rolls back, and the counter with it.
    Pending tasks are stored before the batch's next update or delete, and before
    commit, so every operation sees what the earlier ones did.
    """

    def __init__(self, uow: WorkUnitOfWork, creates_per_project: Counter[uuid.UUID]) -> None:
        self._uow = uow
        self._counts = creates_per_project
        self._projects: dict[tuple[uuid.UUID, uuid.UUID], Project | None] = {}
        self._numbers: dict[uuid.UUID, range] = {}
        self._used: Counter[uuid.UUID] = Counter()
        self._pending: list[Task] = []
        self._last_ranks: dict[uuid.UUID, str | None] = {}

    @classmethod
    def single(cls, uow: WorkUnitOfWork, project_id: uuid.UUID) -> "NewTasks":
        return cls(uow, Counter([project_id]))

    def project(self, org_id: uuid.UUID, project_id: uuid.UUID) -> Project | None:
        key = (org_id, project_id)
        if key not in self._projects:
            self._projects[key] = self._uow.projects.get(org_id, project_id)
        return self._projects[key]

    def number(self, project_id: uuid.UUID) -> int:
        numbers = self._numbers.get(project_id)
        if numbers is None:
            count = max(1, self._counts[project_id])
            numbers = self._numbers[project_id] = self._uow.projects.allocate_numbers(
                project_id, count
            )
        used = self._used[project_id]
        if used >= len(numbers):  # more creates than counted: reserve one more
            extra = self._uow.projects.allocate_numbers(project_id, 1)
            numbers = self._numbers[project_id] = range(numbers.start, extra.stop)
        self._used[project_id] = used + 1
        return numbers[used]

    def rank(self, org_id: uuid.UUID, project_id: uuid.UUID) -> str:
        """The next rank at the end of the project: read once, after the numbers are
        reserved (so under the project's lock), then stepped per task."""
        if project_id not in self._last_ranks:
            self._last_ranks[project_id] = self._uow.tasks.last_rank(org_id, project_id)
        rank = rank_between(self._last_ranks[project_id], None)
        self._last_ranks[project_id] = rank
        return rank

    def add(self, task: Task) -> None:
        self._pending.append(task)
        self._uow.track(task)

    def store(self) -> None:
        if self._pending:
            self._uow.tasks.add_all(self._pending)
            self._pending = []
