"""Email as a consequence of a change: queued in the change's transaction, sent later.

A use case never talks to a mail server. It asks its `Letters` port for the rendered
message (the wording is the context's own, kept as template files) and records a
`MailQueued` event on its unit of work; the mail sink writes it to the mail outbox in
the same transaction, so the email exists exactly when the change does, and the
sender delivers it after the commit. The event's id is the intent's key: one intent is
one outbox row, whatever happens to the sender.
"""

from collections.abc import Mapping
from typing import Protocol

import attrs

from taskhub.shared_kernel.events import DomainEvent


@attrs.frozen(kw_only=True)
class OutgoingMail:
    """A rendered email: plain text and HTML bodies of the same message."""

    to: str
    subject: str
    text: str
    html: str = attrs.field(repr=False)


@attrs.frozen(kw_only=True)
class MailQueued(DomainEvent):
    """An email that goes out once the change that queued it commits."""

    mail: OutgoingMail = attrs.field(repr=False)


class Letters(Protocol):
    """The emails a context writes, by name, filled with the values of one occasion."""

    def compose(self, letter: str, *, to: str, values: Mapping[str, str]) -> OutgoingMail:
        """Raise KeyError for a letter the context does not have."""
        ...
