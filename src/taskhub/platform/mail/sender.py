"""The mail sender: due outbox rows go to the transport, each claimed by one sender.

Claim, then send: a sender first claims a row for a lease (one conditional UPDATE that
only one sender can win, counting the attempt) and commits; then it sends; then it
records the outcome. Two senders never send the same row while a lease holds. A sender
that dies after the server accepted the message and before recording it leaves the
row to be claimed again when the lease ends, and the message is sent again with the
same `Message-ID` (the intent's id), by which mail servers and clients recognise the
duplicate: at least once to the SMTP server, deduplicated by Message-ID, never lost.

Failures are retried on a backing-off schedule; a permanent refusal (5xx) or the end
of the schedule marks the row failed. Sent rows lose their bodies at once and are
pruned after a week.
"""

import threading
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import Engine

from taskhub.platform.mail.outbox import open_bodies
from taskhub.platform.mail.tables import mail_outbox
from taskhub.platform.mail.transports import MailRejected, MailTransport
from taskhub.platform.secret_box import SecretBox, UnreadableSecret
from taskhub.shared_kernel.clock import Clock

log = structlog.get_logger("taskhub.mail")

# Seconds before attempt 2, 3, ...: about 11 hours in all, then the email is failed.
RETRY_SCHEDULE = (30, 120, 600, 1800, 3600, 7200, 14400, 21600)
LEASE = timedelta(minutes=5)
RETENTION = timedelta(days=7)
BATCH = 20


class MailSender:
    def __init__(
        self,
        engine: Engine,
        transport: MailTransport,
        clock: Clock,
        box: SecretBox,
        mail_from: str,
        *,
        retry_schedule: Sequence[int] = RETRY_SCHEDULE,
        poll_seconds: float = 1.0,
    ) -> None:
        self._engine = engine
        self._transport = transport
        self._clock = clock
        self._box = box
        self._from = mail_from
        self._domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
        self._schedule = tuple(retry_schedule)
        self._poll = poll_seconds

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                busy = self.send_due() > 0
            except Exception:
                log.exception("mail_sender_failed")
                busy = False
            if not busy:
                stop.wait(self._poll)

    def send_due(self) -> int:
        """Send what is due now; the number of rows this sender claimed."""
        claimed = self._claim(self._clock.now())
        for row in claimed:
            self._send(row)
        return len(claimed)

    def _claim(self, now: datetime) -> list[sa.Row[Any]]:
        t = mail_outbox
        due = (
            sa.select(t.c.id)
            .where(
                t.c.sent_at.is_(None),
                t.c.failed_at.is_(None),
                t.c.next_attempt_at <= now,
                sa.or_(t.c.claimed_until.is_(None), t.c.claimed_until < now),
            )
            .order_by(t.c.next_attempt_at)
            .limit(BATCH)
        )
        claimed = []
        with self._engine.begin() as connection:
            for intent_id in connection.execute(due).scalars().all():
                won = connection.execute(
                    t.update()
                    .where(
                        t.c.id == intent_id,
                        t.c.sent_at.is_(None),
                        t.c.failed_at.is_(None),
                        sa.or_(t.c.claimed_until.is_(None), t.c.claimed_until < now),
                    )
                    .values(claimed_until=now + LEASE, attempts=t.c.attempts + 1)
                    .returning(t.c.id, t.c.recipient, t.c.subject, t.c.body, t.c.attempts)
                ).first()
                if won is not None:
                    claimed.append(won)
        return claimed

    def _message(
        self, intent_id: uuid.UUID, recipient: str, subject: str, body: str
    ) -> EmailMessage:
        text, html = open_bodies(self._box, intent_id.hex, body)
        message = EmailMessage()
        message["From"] = self._from
        message["To"] = recipient
        message["Subject"] = subject
        message["Date"] = format_datetime(self._clock.now())
        message["Message-ID"] = f"<{intent_id.hex}@{self._domain}>"
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message

    def _send(self, row: sa.Row[Any]) -> None:
        intent_id: uuid.UUID = row.id
        recipient: str = row.recipient
        subject: str = row.subject
        body: str = row.body
        attempts: int = row.attempts
        try:
            self._transport.send(self._message(intent_id, recipient, subject, body))
        except (MailRejected, UnreadableSecret) as exc:
            self._finish(intent_id, failed=True, error=str(exc))
            log.warning("mail_failed", intent_id=str(intent_id), error=str(exc))
            return
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            if attempts > len(self._schedule):
                self._finish(intent_id, failed=True, error=error)
                log.warning("mail_failed", intent_id=str(intent_id), error=error)
            else:
                self._retry(intent_id, self._schedule[attempts - 1], error)
                log.info("mail_retrying", intent_id=str(intent_id), attempts=attempts, error=error)
            return
        self._finish(intent_id, failed=False, error=None)
        log.info("mail_sent", intent_id=str(intent_id))

    def _finish(self, intent_id: uuid.UUID, *, failed: bool, error: str | None) -> None:
        now = self._clock.now()
        outcome = {"failed_at": now} if failed else {"sent_at": now}
        with self._engine.begin() as connection:
            connection.execute(
                mail_outbox.update()
                .where(mail_outbox.c.id == intent_id)
                .values(body=None, claimed_until=None, last_error=error, **outcome)
            )
            connection.execute(
                mail_outbox.delete().where(
                    sa.or_(
                        mail_outbox.c.sent_at < now - RETENTION,
                        mail_outbox.c.failed_at < now - RETENTION,
                    )
                )
            )

    def _retry(self, intent_id: uuid.UUID, after_seconds: int, error: str) -> None:
        now = self._clock.now()
        with self._engine.begin() as connection:
            connection.execute(
                mail_outbox.update()
                .where(mail_outbox.c.id == intent_id)
                .values(
                    claimed_until=None,
                    last_error=error,
                    next_attempt_at=now + timedelta(seconds=after_seconds),
                )
            )
