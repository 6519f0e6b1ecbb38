"""Who is told of a change, and why: one reason per recipient per change, never the actor.

Where one person has several reasons, the most personal one wins: being assigned over a
status change, being mentioned over a comment on a watched task.
"""

import uuid
from collections.abc import Collection, Iterable

from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.watched_task import TaskState


def _without_actor(
    reasons: dict[uuid.UUID, Reason], actor_id: uuid.UUID | None
) -> dict[uuid.UUID, Reason]:
    reasons.pop(actor_id, None)  # type: ignore[arg-type]
    return reasons


def newly_assigned(previous: TaskState | None, current: TaskState) -> list[uuid.UUID]:
    before = set(previous.assignee_ids) if previous is not None else set()
    return [user for user in current.assignee_ids if user not in before]


def of_task_change(
    previous: TaskState | None,
    current: TaskState,
    actor_id: uuid.UUID | None,
    watchers: Iterable[uuid.UUID],
) -> dict[uuid.UUID, Reason]:
    reasons = dict.fromkeys(newly_assigned(previous, current), Reason.ASSIGNED)
    if previous is not None and previous.status != current.status:
        for watcher in watchers:
            reasons.setdefault(watcher, Reason.STATUS_CHANGED)
    return _without_actor(reasons, actor_id)


def of_comment(
    author_id: uuid.UUID, mentioned: Collection[uuid.UUID], watchers: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Reason]:
    reasons = dict.fromkeys(mentioned, Reason.MENTIONED)
    for watcher in watchers:
        reasons.setdefault(watcher, Reason.COMMENTED)
    return _without_actor(reasons, author_id)


def of_invitation(invitee: uuid.UUID, inviter: uuid.UUID | None) -> dict[uuid.UUID, Reason]:
    """The invitee, unless they invited themselves (an admin inviting their own address)."""
    return _without_actor({invitee: Reason.INVITED}, inviter)
