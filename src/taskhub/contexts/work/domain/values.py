"""Work's value types: statuses, priorities, keys and colours."""

import enum
import re

from taskhub.shared_kernel.errors import ValidationFailed

PROJECT_KEY_PATTERN = r"[A-Z][A-Z0-9]{1,9}"
COLOR_PATTERN = r"#[0-9a-fA-F]{6}"
_PROJECT_KEY = re.compile(PROJECT_KEY_PATTERN)
_COLOR = re.compile(COLOR_PATTERN)


class Keep(enum.Enum):
    """The value of a field a change leaves alone where None would mean "clear it"."""

    KEEP = "keep"


KEEP = Keep.KEEP


class ProjectStatus(enum.StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    ARCHIVED = "archived"


class TaskStatus(enum.StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    IN_REVIEW = "in_review"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_closed(self) -> bool:
        return self in (TaskStatus.DONE, TaskStatus.CANCELLED)


class Priority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


def validated_project_key(key: str) -> str:
    if not _PROJECT_KEY.fullmatch(key):
        raise ValidationFailed.single(
            "key", "must be 2-10 characters of A-Z and 0-9, starting with a letter"
        )
    return key


def validated_color(color: str, field: str = "color") -> str:
    if not _COLOR.fullmatch(color):
        raise ValidationFailed.single(field, "must be a colour like #1f6feb")
    return color.lower()


def validated_title(title: str, field: str = "title") -> str:
    if not title.strip():
        raise ValidationFailed.single(field, "must not be blank")
    return title
