"""`due_soon`: assignees hear of a task 24 hours before it is due, once per due date.

A scheduled job, not a reaction: nothing happens at the moment a task falls due. The
claim on the task's remembered state is what makes "once" hold with several workers
running the job at the same time; a due date that moves is a new date, told again.
"""

from datetime import timedelta

from taskhub.contexts.notifications.application.delivery import NotificationDelivery
from taskhub.contexts.notifications.application.ports import NotificationsUnitOfWork
from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

AHEAD = timedelta(hours=24)
BATCH = 200


class DueSoonNotices:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[NotificationsUnitOfWork],
        delivery: NotificationDelivery,
        members: RoleLookup,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._delivery = delivery
        self._members = members
        self._clock = clock

    def run_once(self) -> int:
        """Send what is due now; returns how many tasks were claimed.

        Membership is asked before the write transaction opens, so a job never holds a
        connection while it waits for another one from the same pool.
        """
        now = self._clock.now()
        with self._uow(read_only=True) as uow:
            candidates = uow.tasks.falling_due(now, now + AHEAD, BATCH)
        if not candidates:
            return 0
        members = {
            task.state.id: self._members.members_among(task.state.org_id, task.state.assignee_ids)
            for task in candidates
        }
        claimed = 0
        with self._uow() as uow:
            for task in candidates:
                state = task.state
                assert state.due_at is not None  # falling_due returns dated tasks only
                if not uow.tasks.claim_due_soon(state.org_id, state.id, state.due_at):
                    continue
                claimed += 1
                reasons = dict.fromkeys(state.assignee_ids, Reason.DUE_SOON)
                self._delivery.deliver(
                    uow, state, reasons, actor_id=None, now=now, members=members[state.id]
                )
            uow.commit()
        return claimed
