"""The mail sink: `MailQueued` events become mail-outbox rows in the committing transaction.

The bodies are sealed with the keyring (they carry single-use tokens, which are
otherwise stored only as hashes) under the row's id, so a copied body does not open on
another row, and the sender empties them once the email is sent.
"""

import json
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from taskhub.platform.mail.tables import mail_outbox
from taskhub.platform.secret_box import SecretBox
from taskhub.shared_kernel.events import DomainEvent
from taskhub.shared_kernel.mail import MailQueued, OutgoingMail

MAIL_BODIES = "mail-outbox-bodies"


def seal_bodies(box: SecretBox, intent_id: str, mail: OutgoingMail) -> str:
    return box.seal(json.dumps({"text": mail.text, "html": mail.html}), intent_id.encode())


def open_bodies(box: SecretBox, intent_id: str, sealed: str) -> tuple[str, str]:
    bodies = json.loads(box.open(sealed, intent_id.encode()))
    return str(bodies["text"]), str(bodies["html"])


class MailOutboxWriter:
    def __init__(self, box: SecretBox) -> None:
        self._box = box

    def write(self, connection: sa.Connection, events: Sequence[DomainEvent]) -> None:
        rows = [
            self._row(event.event_id.hex, event, event.occurred_at)
            for event in events
            if isinstance(event, MailQueued)
        ]
        if rows:
            connection.execute(mail_outbox.insert(), rows)

    def _row(self, key: str, event: MailQueued, now: datetime) -> dict[str, object]:
        return {
            "id": event.event_id,
            "recipient": event.mail.to,
            "subject": event.mail.subject[:255],
            "body": seal_bodies(self._box, key, event.mail),
            "created_at": now,
            "next_attempt_at": now,
            "attempts": 0,
        }
