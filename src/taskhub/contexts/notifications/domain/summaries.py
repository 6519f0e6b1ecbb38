"""The one line a notification shows: the task's key and title as the change left them,
which every member may read whatever their role, and nothing of a comment's text. An
invitation's line names only the role offered: never the token, which is the invitee's
key to the organization and goes only in the invitation email."""

from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.watched_task import TaskState


def summary(reason: Reason, task: TaskState) -> str:
    name = f"{task.key}: {task.title}"
    if reason is Reason.ASSIGNED:
        return f"You were assigned to {name}"
    if reason is Reason.MENTIONED:
        return f"You were mentioned in a comment on {name}"
    if reason is Reason.COMMENTED:
        return f"New comment on {name}"
    if reason is Reason.STATUS_CHANGED:
        return f"{name} is now {task.status}"
    if reason is Reason.DUE_SOON:
        return f"{name} is due within 24 hours"
    return name


def invited_summary(role: str) -> str:
    return f"You were invited to join the organization as {role}"
