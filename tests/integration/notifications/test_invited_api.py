"""`invited` over HTTP (SQLite and PostgreSQL): an invitation to an existing account's
address reaches that account's inbox and email before it is a member; an unknown address
notifies nobody; settings and a revocation hold it back."""

from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.notifications.adapters.sql.tables import notifications
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import container_for
from tests.integration.notifications.conftest import deliver
from tests.integration.notifications.test_notifications_api import inbox
from tests.integration.smtp_server import SmtpServer, text_of, token_in
from tests.integration.work_world import Org, make_org
from tests.integration.world import API, User, register


def _invite(org: Org, email: str, role: str = "member", by: User | None = None) -> str:
    result = org.post("/invitations", {"email": email, "role": role}, by=by or org.admin)
    assert result.status_code == 201, result.text
    invitation_id: str = result.json["id"]
    return invitation_id


def _digests(smtp_server: SmtpServer, address: str) -> list[EmailMessage]:
    return [m for m in smtp_server.mailbox.to(address) if "new notifications" in m["Subject"]]


def _stored(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(notifications.c.user_id, notifications.c.id)))


def test_an_invited_account_is_told_in_its_inbox_and_by_email(
    engine: Engine, smtp_server: SmtpServer
) -> None:
    container: ApplicationContainer = container_for(
        engine, smtp_url=smtp_server.url, rate_limit_auth=RateLimit(1000, 60)
    )
    client = testing.TestClient(create_app(container))
    org = make_org(client)
    zoe, yan, xia = (register(client, name) for name in ("zoe", "yan", "xia"))
    settings = client.simulate_put(
        f"{API}/users/me/notification-settings",
        json={"reasons": {"invited": {"in_app": False, "email": False}}},
        headers=yan.auth,
    )
    assert settings.status_code == 200, settings.text

    invitation_id = _invite(org, zoe.email.upper(), "admin", by=org.owner)
    _invite(org, yan.email)
    _invite(org, "nobody-has-this@example.com")
    revoked = _invite(org, xia.email)
    deliver(container)

    [notice] = inbox(client, zoe)
    assert notice["reason"] == "invited"
    assert notice["task_id"] is None
    assert notice["org_id"] == org.id
    assert notice["actor_id"] == str(org.owner.id)
    assert notice["id"] == invitation_id
    assert notice["summary"] == "You were invited to join the organization as admin"
    assert inbox(client, yan) == []  # invited switched off
    assert inbox(client, xia) != []
    assert inbox(client, org.owner) == inbox(client, org.admin) == []
    assert {row.user_id for row in _stored(engine)} == {zoe.id, xia.id}  # nobody else

    assert org.delete(f"/invitations/{revoked}", by=org.admin).status_code == 204
    deliver(container)
    assert inbox(client, xia) == []

    assert container.notifications.email_digest().send_due() == 1
    container.mail_sender().send_due()
    [digest] = _digests(smtp_server, zoe.email)
    assert "You were invited to join the organization as admin" in text_of(digest)
    token = token_in(smtp_server.mailbox.to(zoe.email.upper())[-1], "accept-invitation")
    assert token not in text_of(digest)
    assert token not in notice["summary"]
    assert _digests(smtp_server, xia.email) == []
