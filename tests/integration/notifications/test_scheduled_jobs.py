"""The scheduled jobs: `due_soon` once per due date, even with racing workers, and
notification emails gathered into at most one per user per delay, read back from a real
SMTP server."""

import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from dependency_injector import providers
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import container_for
from tests.integration.notifications.conftest import deliver
from tests.integration.smtp_server import SmtpServer, html_of, text_of
from tests.integration.work_world import make_org
from tests.integration.world import API


def digests(smtp_server: SmtpServer, address: str) -> list[EmailMessage]:
    """The notification emails to `address` (registration also sends a verification)."""
    return [m for m in smtp_server.mailbox.to(address) if m["Subject"].startswith("taskhub:")]


class MovableClock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at


def _due(at: datetime) -> str:
    return at.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def test_due_soon_goes_to_assignees_once_per_due_date(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    org = make_org(client)
    now = datetime.now(UTC)
    project = org.project()
    soon = org.task(
        project, due_at=_due(now + timedelta(hours=2)), assignee_ids=[str(org.viewer.id)]
    )
    org.task(project, due_at=_due(now + timedelta(days=3)), assignee_ids=[str(org.viewer.id)])
    deliver(container)
    jobs = container.notifications.due_soon()

    assert jobs.run_once() == 1
    assert jobs.run_once() == 0
    items = client.simulate_get(f"{API}/users/me/notifications", headers=org.viewer.auth).json[
        "items"
    ]
    assert [item["reason"] for item in items].count("due_soon") == 1
    assert next(i for i in items if i["reason"] == "due_soon")["actor_id"] is None

    # A new due date is a new notice.
    org.patch(f"/tasks/{soon['id']}", {"due_at": _due(now + timedelta(hours=5))}, by=org.owner)
    deliver(container)
    assert jobs.run_once() == 1


@pytest.mark.postgres
def test_racing_due_soon_jobs_notify_once(postgres_engine: Engine) -> None:
    container = container_for(postgres_engine, rate_limit_auth=RateLimit(1000, 60))
    client = testing.TestClient(create_app(container))
    org = make_org(client)
    project = org.project()
    due = _due(datetime.now(UTC) + timedelta(hours=3))
    for round_ in range(3):
        for _ in range(5):
            org.task(project, due_at=due, assignee_ids=[str(org.viewer.id)])
        deliver(container)
        start = threading.Barrier(10)
        claimed: list[int] = []

        def run(start: threading.Barrier, claimed: list[int]) -> None:
            start.wait()
            claimed.append(container.notifications.due_soon().run_once())

        threads = [threading.Thread(target=run, args=(start, claimed)) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(claimed) == 5, round_
    items = client.simulate_get(
        f"{API}/users/me/notifications", headers=org.viewer.auth, query_string="limit=100"
    ).json["items"]
    assert [item["reason"] for item in items].count("due_soon") == 15


def test_emails_are_gathered_at_most_one_per_user_per_delay(
    engine: Engine, smtp_server: SmtpServer
) -> None:
    container = container_for(
        engine,
        smtp_url=smtp_server.url,
        rate_limit_auth=RateLimit(1000, 60),
        notification_email_delay=300,
    )
    clock = MovableClock()
    container.clock.override(providers.Object(clock))
    client = testing.TestClient(create_app(container))
    org = make_org(client)
    project = org.project()
    digest = container.notifications.email_digest()
    sender = container.mail_sender()

    org.task(project, title="First <b>", assignee_ids=[str(org.viewer.id)])
    deliver(container)
    assert digest.send_due() == 1
    sender.send_due()
    [first] = digests(smtp_server, org.viewer.email)
    assert "First <b>" in text_of(first)
    assert "First &lt;b&gt;" in html_of(first)

    org.task(project, title="Second", assignee_ids=[str(org.viewer.id)])
    org.task(project, title="Third", assignee_ids=[str(org.viewer.id)])
    deliver(container)
    clock.at += timedelta(seconds=299)
    assert digest.send_due() == 0  # within the delay: it waits

    clock.at += timedelta(seconds=2)
    assert digest.send_due() == 1
    assert digest.send_due() == 0
    sender.send_due()
    mails = digests(smtp_server, org.viewer.email)
    assert len(mails) == 2
    gathered = text_of(mails[1])
    assert "Second" in gathered
    assert "Third" in gathered
    assert "First" not in gathered
    assert mails[1]["Subject"] == "taskhub: 2 new notifications"
