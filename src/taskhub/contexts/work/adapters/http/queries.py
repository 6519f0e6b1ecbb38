"""Reading the task list's query string into a filter; a bad value is a 422 on its name."""

import enum
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TypeVar

from taskhub.contexts.work.application.ports import TaskFilter, TaskSort
from taskhub.contexts.work.domain.values import Priority, ProjectStatus, TaskStatus
from taskhub.platform.http.converter import parse_timestamp
from taskhub.shared_kernel.errors import FieldError, ValidationFailed

E = TypeVar("E", bound=enum.Enum)

MAX_QUERY_LENGTH = 200


class _Reader:
    def __init__(self, query: Mapping[str, list[str]]) -> None:
        self._query = query
        self.errors: list[FieldError] = []

    def _one(self, name: str) -> str | None:
        values = self._query.get(name)
        if not values:
            return None
        if len(values) > 1:
            self.errors.append(FieldError(name, "must be given once"))
        return values[-1]

    def uuid(self, name: str) -> uuid.UUID | None:
        raw = self._one(name)
        if raw is None:
            return None
        try:
            return uuid.UUID(raw)
        except ValueError:
            self.errors.append(FieldError(name, "must be a UUID"))
            return None

    def timestamp(self, name: str) -> datetime | None:
        raw = self._one(name)
        if raw is None:
            return None
        try:
            return parse_timestamp(raw)
        except ValueError as exc:
            self.errors.append(FieldError(name, str(exc)))
            return None

    def choices(self, name: str, kind: type[E]) -> frozenset[E]:
        chosen = set()
        for raw in self._query.get(name, []):
            for part in raw.split(","):
                try:
                    chosen.add(kind(part))
                except ValueError:
                    allowed = ", ".join(str(m.value) for m in kind)
                    self.errors.append(FieldError(name, f"must be one of: {allowed}"))
        return frozenset(chosen)

    def choice(self, name: str, kind: type[E]) -> E | None:
        raw = self._one(name)
        if raw is None:
            return None
        try:
            return kind(raw)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in kind)
            self.errors.append(FieldError(name, f"must be one of: {allowed}"))
            return None

    def text(self, name: str) -> str | None:
        raw = self._one(name)
        if raw is not None and len(raw) > MAX_QUERY_LENGTH:
            self.errors.append(FieldError(name, f"must be at most {MAX_QUERY_LENGTH} characters"))
            return None
        return raw.strip() if raw and raw.strip() else None

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors, detail="The query has invalid parameters.")


def task_filter(query: Mapping[str, list[str]]) -> TaskFilter:
    read = _Reader(query)
    result = TaskFilter(
        project_id=read.uuid("project_id"),
        statuses=read.choices("status", TaskStatus),
        priorities=read.choices("priority", Priority),
        assignee_id=read.uuid("assignee_id"),
        label_id=read.uuid("label_id"),
        parent_id=read.uuid("parent_id"),
        due_before=read.timestamp("due_before"),
        due_after=read.timestamp("due_after"),
        text=read.text("q"),
        sort=read.choice("sort", TaskSort) or TaskSort.CREATED_DESC,
    )
    read.done()
    return result


def project_status(query: Mapping[str, list[str]]) -> ProjectStatus | None:
    read = _Reader(query)
    status = read.choice("status", ProjectStatus)
    read.done()
    return status
