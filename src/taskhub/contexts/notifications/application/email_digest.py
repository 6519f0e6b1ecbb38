"""Notification emails: at most one per user per delay, gathering everything not yet
emailed. A user who has had no email for the delay gets one as soon as something is
waiting; what arrives after that waits until the delay has passed.

The claim on the user's last email time is what holds "at most one" with several
workers; the email is queued through the mail outbox in the same transaction as the
claim and the notifications it gathers, so it is sent exactly when they are marked.
"""

from datetime import timedelta

from taskhub.contexts.identity.public import UserDirectory
from taskhub.contexts.notifications.application.ports import NotificationsUnitOfWork
from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.mail import Letters, MailQueued
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

LETTER = "notifications-digest"
BATCH = 100


def _line(notification: Notification) -> str:
    return f"- {notification.summary}"


class EmailDigest:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[NotificationsUnitOfWork],
        directory: UserDirectory,
        letters: Letters,
        clock: Clock,
        delay_seconds: int,
        app_url: str,
    ) -> None:
        self._uow = uow
        self._directory = directory
        self._letters = letters
        self._clock = clock
        self._delay = timedelta(seconds=delay_seconds)
        self._app_url = app_url.rstrip("/")

    def send_due(self) -> int:
        """Queue the emails that may go now; returns how many."""
        with self._uow(read_only=True) as uow:
            waiting = uow.notifications.awaiting_email(BATCH)
        queued = 0
        for user_id in waiting:
            now = self._clock.now()
            with self._uow() as uow:
                if not uow.recipients.claim_email(user_id, now, now - self._delay):
                    continue  # emailed within the delay: this waits for the next round
                gathered = uow.notifications.take_awaiting_email(user_id)
                if not gathered:
                    continue  # read by another round meanwhile: no email, no claim
                user = self._directory.get_many([user_id]).get(user_id)
                if user is not None:  # an erased account gets nothing
                    mail = self._letters.compose(
                        LETTER,
                        to=user.email,
                        values={
                            "name": user.name,
                            "count": str(len(gathered)),
                            "lines": "\n".join(_line(n) for n in gathered),
                            "inbox_url": f"{self._app_url}/notifications",
                        },
                    )
                    uow.record(MailQueued(event_id=new_id(), occurred_at=now, mail=mail))
                    queued += 1
                uow.commit()
        return queued
