"""Whether a task can be seen: what other contexts that hang things off tasks ask work.

A task is visible when it exists in the organization, is not deleted and neither is its
project. Whatever hangs off a task (attachments) is hidden with it, and comes back when
the task is restored.
"""

import uuid
from typing import Protocol


class TaskVisibility(Protocol):
    def is_live(self, org_id: uuid.UUID, task_id: uuid.UUID) -> bool:
        """True when the task exists in the organization and neither it nor its project
        is deleted."""
        ...
