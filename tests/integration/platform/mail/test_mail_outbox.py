"""Emails queued by a unit of work are sent by the sender, once, to a real SMTP server."""

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.platform.mail.tables import mail_outbox
from taskhub.platform.mail.transports import parse_smtp_url
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.mail import MailQueued, OutgoingMail
from tests.integration.conftest import container_for
from tests.integration.smtp_server import SmtpServer, html_of, text_of
from tests.log_capture import Stdout


def _queue(container: ApplicationContainer, to: str, *, commit: bool = True) -> MailQueued:
    event = MailQueued(
        event_id=new_id(),
        occurred_at=datetime.now(UTC),
        mail=OutgoingMail(to=to, subject="Hello", text="Plain words", html="<p>Rich words</p>"),
    )
    with container.identity.unit_of_work() as uow:
        uow.record(event)
        if commit:
            uow.commit()
    return event


def _row(engine: Engine, event: MailQueued) -> sa.Row[tuple[object, ...]]:
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(mail_outbox).where(mail_outbox.c.id == event.event_id)
        ).one()
    return row


def test_a_committed_intent_is_sent_with_both_bodies_and_its_key_as_message_id(
    mail_container: ApplicationContainer, smtp_server: SmtpServer, engine: Engine
) -> None:
    event = _queue(mail_container, "ada@example.com")
    assert _row(engine, event).body is not None
    assert "Plain words" not in str(_row(engine, event).body)  # sealed at rest

    assert mail_container.mail_sender().send_due() == 1

    [message] = smtp_server.mailbox.to("ada@example.com")
    assert message["Subject"] == "Hello"
    assert message["From"] == "taskhub <no-reply@localhost>"
    assert message["Message-ID"] == f"<{event.event_id.hex}@localhost>"
    assert text_of(message).strip() == "Plain words"
    assert html_of(message).strip() == "<p>Rich words</p>"
    row = _row(engine, event)
    assert row.sent_at is not None
    assert row.body is None
    assert row.attempts == 1


def test_an_intent_of_a_rolled_back_change_is_never_written(
    mail_container: ApplicationContainer, smtp_server: SmtpServer, engine: Engine
) -> None:
    _queue(mail_container, "nobody@example.com", commit=False)
    assert mail_container.mail_sender().send_due() == 0
    assert smtp_server.mailbox.messages == []


def test_a_sent_intent_is_never_sent_again(
    mail_container: ApplicationContainer, smtp_server: SmtpServer
) -> None:
    _queue(mail_container, "once@example.com")
    sender = mail_container.mail_sender()
    assert sender.send_due() == 1
    assert sender.send_due() == 0
    assert len(smtp_server.mailbox.to("once@example.com")) == 1


def test_a_temporary_refusal_is_retried_later_and_a_permanent_one_fails(
    mail_container: ApplicationContainer, smtp_server: SmtpServer, engine: Engine
) -> None:
    retried = _queue(mail_container, "later@example.com")
    smtp_server.mailbox.refuse.append("451 4.3.0 try again later")
    sender = mail_container.mail_sender()
    assert sender.send_due() == 1
    row = _row(engine, retried)
    assert (row.sent_at, row.failed_at, row.attempts) == (None, None, 1)
    assert row.next_attempt_at > datetime.now(UTC)  # backed off, not due now
    assert "451" in row.last_error
    assert sender.send_due() == 0

    with engine.begin() as connection:
        connection.execute(
            mail_outbox.update()
            .where(mail_outbox.c.id == retried.event_id)
            .values(next_attempt_at=datetime.now(UTC))
        )
    assert sender.send_due() == 1
    assert len(smtp_server.mailbox.to("later@example.com")) == 1
    assert _row(engine, retried).attempts == 2

    refused = _queue(mail_container, "never@example.com")
    smtp_server.mailbox.refuse.append("554 5.7.1 no thanks")
    assert sender.send_due() == 1
    row = _row(engine, refused)
    assert row.failed_at is not None
    assert row.body is None
    assert sender.send_due() == 0


def test_an_unreachable_server_leaves_the_intent_for_a_retry(engine: Engine) -> None:
    container = container_for(engine, smtp_url="smtp://127.0.0.1:9")
    event = _queue(container, "patient@example.com")
    assert container.mail_sender().send_due() == 1
    row = _row(engine, event)
    assert (row.sent_at, row.failed_at) == (None, None)
    assert row.body is not None


def test_without_smtp_the_email_is_written_to_the_log(
    container: ApplicationContainer, log_output: Stdout
) -> None:
    _queue(container, "dev@example.com")
    assert container.mail_sender().send_due() == 1
    assert "Plain words" in log_output.text()
    assert "dev@example.com" in log_output.text()


def _drain(container: ApplicationContainer, start: threading.Barrier) -> None:
    sender = container.mail_sender()
    start.wait()
    while sender.send_due():
        pass


@pytest.mark.postgres
def test_concurrent_senders_send_every_intent_exactly_once(
    postgres_engine: Engine, smtp_server: SmtpServer
) -> None:
    container = container_for(postgres_engine, smtp_url=smtp_server.url)
    for round_ in range(3):
        addresses = [f"r{round_}-{i}@example.com" for i in range(25)]
        for address in addresses:
            _queue(container, address)
        senders = [container_for(postgres_engine, smtp_url=smtp_server.url) for _ in range(10)]
        start = threading.Barrier(len(senders))
        threads = [threading.Thread(target=_drain, args=(c, start)) for c in senders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for address in addresses:
            assert len(smtp_server.mailbox.to(address)) == 1, address


def test_smtp_urls_say_how_to_connect() -> None:
    plain = parse_smtp_url("smtp://user%40x:p%3Ass@mail.example.com:2525")
    assert (plain.host, plain.port, plain.implicit_tls) == ("mail.example.com", 2525, False)
    assert (plain.username, plain.password) == ("user@x", "p:ss")
    assert not plain.require_starttls
    assert parse_smtp_url("smtps://mail.example.com").port == 465
    assert parse_smtp_url("smtp://mail.example.com?starttls=required").require_starttls
    for bad, reason in [
        ("http://x", "expected an smtp"),
        ("smtp://", "no host"),
        ("smtp://h:99999", "port"),
        ("smtp://h?tls=1", "unknown option"),
    ]:
        with pytest.raises(ValueError, match=reason):
            parse_smtp_url(bad)


def test_the_sender_runs_with_the_worker_and_the_embedded_process(
    container: ApplicationContainer,
) -> None:
    assert container.mail_sender() in container.background_jobs()
