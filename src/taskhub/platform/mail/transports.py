"""Where a rendered email goes: an SMTP server, or, with none configured, the log.

`TASKHUB_SMTP_URL` is `smtp://[user:password@]host[:port]` (port 25 by default; the
connection is upgraded with STARTTLS whenever the server offers it, and
`?starttls=required` refuses a server that does not) or `smtps://...` (implicit TLS,
port 465 by default). Certificates are verified against the system's trust store.
"""

import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import attrs
import structlog

log = structlog.get_logger("taskhub.mail")

_TIMEOUT_SECONDS = 15.0


class MailRejected(Exception):
    """The server refused this message for good (a 5xx answer): sending again will not help."""


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message over; raise MailRejected for a permanent refusal, anything
        else for a failure worth retrying."""
        ...

    def check(self) -> None:
        """Raise if the server cannot be reached (readiness)."""
        ...


@attrs.frozen
class SmtpAddress:
    host: str
    port: int
    implicit_tls: bool
    require_starttls: bool
    username: str | None
    password: str | None = attrs.field(repr=False)


def parse_smtp_url(url: str) -> SmtpAddress:
    """Raise ValueError, saying what is wrong, for anything but an smtp(s):// URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("expected an smtp:// or smtps:// URL")
    if not parts.hostname:
        raise ValueError("the URL names no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the port is not a number between 0 and 65535") from None
    query = parse_qs(parts.query)
    unknown = set(query) - {"starttls"}
    if unknown:
        raise ValueError(f"unknown option(s): {', '.join(sorted(unknown))}")
    starttls = query.get("starttls", ["auto"])
    if starttls not in (["auto"], ["required"]):
        raise ValueError("starttls is 'auto' (the default) or 'required'")
    implicit = parts.scheme == "smtps"
    return SmtpAddress(
        host=parts.hostname,
        port=port or (465 if implicit else 25),
        implicit_tls=implicit,
        require_starttls=starttls == ["required"],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class SmtpTransport:
    """One connection per message: the sender sends a handful at a time, seconds apart."""

    def __init__(self, url: str) -> None:
        self._address = parse_smtp_url(url)

    def _connect(self) -> smtplib.SMTP:
        address = self._address
        context = ssl.create_default_context()
        if address.implicit_tls:
            return smtplib.SMTP_SSL(
                address.host, address.port, timeout=_TIMEOUT_SECONDS, context=context
            )
        client = smtplib.SMTP(address.host, address.port, timeout=_TIMEOUT_SECONDS)
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        elif address.require_starttls:
            client.close()
            raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS")
        return client

    def send(self, message: EmailMessage) -> None:
        with self._connect() as client:
            if self._address.username:
                client.login(self._address.username, self._address.password or "")
            try:
                client.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                if all(500 <= code < 600 for code in codes):
                    raise MailRejected(f"recipient refused ({codes[0]})") from None
                raise
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                if 500 <= exc.smtp_code < 600:
                    raise MailRejected(f"message refused ({exc.smtp_code})") from None
                raise

    def check(self) -> None:
        with self._connect() as client:
            client.noop()


class LogTransport:
    """The default with no SMTP server: each email is written to the log, body included,
    so a developer can follow its link. Never use it where the log is shared."""

    def send(self, message: EmailMessage) -> None:
        text = message.get_body(preferencelist=("plain",))
        log.info(
            "mail_logged",
            to=message["To"],
            subject=message["Subject"],
            message_id=message["Message-ID"],
            body=text.get_content() if text is not None else "",
        )

    def check(self) -> None:
        return None


def transport_for(smtp_url: str | None) -> MailTransport:
    return SmtpTransport(smtp_url) if smtp_url else LogTransport()
