"""Password reset and email verification over HTTP, with the emails read back from a
real SMTP server (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.identity.adapters.sql.tables import email_tokens
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import container_for
from tests.integration.smtp_server import SmtpServer, html_of, text_of, token_in
from tests.integration.world import API, PASSWORD, bearer, problem, register

NEW_PASSWORD = "a brand new 2"


def _deliver(container: ApplicationContainer) -> None:
    """What the worker's mail job does on its next turn."""
    container.mail_sender().send_due()


def _login(client: testing.TestClient, email: str, password: str) -> testing.Result:
    return client.simulate_post(f"{API}/auth/login", json={"email": email, "password": password})


def _reset_token(
    client: testing.TestClient, container: ApplicationContainer, server: SmtpServer, email: str
) -> str:
    result = client.simulate_post(f"{API}/auth/password-reset", json={"email": email})
    assert result.status_code == 202, result.text
    _deliver(container)
    message = server.mailbox.wait_for(email)[-1]
    assert message["Subject"] == "Reset your taskhub password"
    return token_in(message, "reset-password")


def test_a_reset_mails_a_link_and_the_new_password_ends_every_session(
    mail_client: testing.TestClient, mail_container: ApplicationContainer, smtp_server: SmtpServer
) -> None:
    ada = register(mail_client, "ada")
    second = _login(mail_client, ada.email, PASSWORD).json

    token = _reset_token(mail_client, mail_container, smtp_server, ada.email)
    message = smtp_server.mailbox.to(ada.email)[-1]
    assert f"http://localhost:3000/reset-password?token={token}" in text_of(message)
    assert f'href="http://localhost:3000/reset-password?token={token}"' in html_of(message)

    confirmed = mail_client.simulate_post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204, confirmed.text

    # Every access token and refresh token issued before stops working.
    problem(mail_client.simulate_get(f"{API}/users/me", headers=ada.auth), 401)
    problem(
        mail_client.simulate_get(f"{API}/users/me", headers=bearer(second["access_token"])), 401
    )
    refreshed = mail_client.simulate_post(
        f"{API}/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    problem(refreshed, 401)
    problem(_login(mail_client, ada.email, PASSWORD), 401)
    signed_in = _login(mail_client, ada.email, NEW_PASSWORD)
    assert signed_in.status_code == 200
    # The link proved the mailbox.
    assert signed_in.json["user"]["email_verified"] is True
    log = mail_client.simulate_get(
        f"{API}/users/me/security-log", headers=bearer(signed_in.json["access_token"])
    ).json["items"]
    actions = [entry["action"] for entry in log]
    assert "user.password_reset" in actions
    assert "user.password_reset_requested" in actions

    # Single use.
    again = mail_client.simulate_post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": "other one 3"}
    )
    assert problem(again, 422)["errors"][0]["field"] == "token"


def test_unknown_and_known_emails_get_the_same_answer_and_only_one_gets_mail(
    mail_client: testing.TestClient, mail_container: ApplicationContainer, smtp_server: SmtpServer
) -> None:
    ada = register(mail_client, "ada")
    _deliver(mail_container)  # the verification email of the registration
    known = mail_client.simulate_post(f"{API}/auth/password-reset", json={"email": ada.email})
    unknown = mail_client.simulate_post(
        f"{API}/auth/password-reset", json={"email": "nobody@example.com"}
    )
    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.json == unknown.json
    assert known.headers["content-type"] == unknown.headers["content-type"]
    _deliver(mail_container)
    assert smtp_server.mailbox.to("nobody@example.com") == []
    assert len(smtp_server.mailbox.wait_for(ada.email, 2)) == 2


def test_expired_unknown_and_malformed_tokens_are_422_on_token(
    mail_client: testing.TestClient,
    mail_container: ApplicationContainer,
    smtp_server: SmtpServer,
    engine: Engine,
) -> None:
    ada = register(mail_client, "ada")
    token = _reset_token(mail_client, mail_container, smtp_server, ada.email)
    with engine.begin() as connection:
        connection.execute(
            email_tokens.update().values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    for bad in (token, "not-a-token", "x" * 512):
        result = mail_client.simulate_post(
            f"{API}/auth/password-reset/confirm", json={"token": bad, "new_password": NEW_PASSWORD}
        )
        assert problem(result, 422)["errors"] == [
            {"field": "token", "message": "is invalid, used or expired"}
        ]
    weak = mail_client.simulate_post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": "short"}
    )
    assert problem(weak, 422)["errors"][0]["field"] == "new_password"
    assert _login(mail_client, ada.email, PASSWORD).status_code == 200


def test_registration_mails_a_verification_link_that_verifies_once(
    mail_client: testing.TestClient, mail_container: ApplicationContainer, smtp_server: SmtpServer
) -> None:
    ada = register(mail_client, "ada")
    me = mail_client.simulate_get(f"{API}/users/me", headers=ada.auth).json
    assert me["email_verified"] is False
    _deliver(mail_container)
    [message] = smtp_server.mailbox.wait_for(ada.email)
    assert message["Subject"] == "Confirm your email for taskhub"
    token = token_in(message, "verify-email")

    verified = mail_client.simulate_post(f"{API}/auth/verify-email", json={"token": token})
    assert verified.status_code == 204, verified.text
    me = mail_client.simulate_get(f"{API}/users/me", headers=ada.auth).json
    assert me["email_verified"] is True
    again = mail_client.simulate_post(f"{API}/auth/verify-email", json={"token": token})
    assert problem(again, 422)["errors"][0]["field"] == "token"
    resend = mail_client.simulate_post(f"{API}/users/me/verify-email", headers=ada.auth)
    problem(resend, 409, "email_already_verified")


def test_verification_emails_are_limited_to_five_an_hour(
    mail_client: testing.TestClient, mail_container: ApplicationContainer, smtp_server: SmtpServer
) -> None:
    ada = register(mail_client, "ada")  # the registration's email is the first of five
    for _ in range(4):
        sent = mail_client.simulate_post(f"{API}/users/me/verify-email", headers=ada.auth)
        assert sent.status_code == 202, sent.text
    limited = mail_client.simulate_post(f"{API}/users/me/verify-email", headers=ada.auth)
    problem(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 3600
    _deliver(mail_container)
    assert len(smtp_server.mailbox.wait_for(ada.email, 5)) == 5
    # Any of the links works, once; the others are retired with it.
    token = token_in(smtp_server.mailbox.to(ada.email)[2], "verify-email")
    assert (
        mail_client.simulate_post(f"{API}/auth/verify-email", json={"token": token}).status_code
        == 204
    )
    last = token_in(smtp_server.mailbox.to(ada.email)[4], "verify-email")
    problem(mail_client.simulate_post(f"{API}/auth/verify-email", json={"token": last}), 422)


def test_reset_and_verification_share_the_auth_budget(
    engine: Engine, smtp_server: SmtpServer
) -> None:
    container = container_for(engine, smtp_url=smtp_server.url, rate_limit_auth=RateLimit(3, 60))
    client = testing.TestClient(create_app(container))
    reset = client.simulate_post(f"{API}/auth/password-reset", json={"email": "a@example.com"})
    assert reset.headers["ratelimit-policy"] == '"auth";q=3;w=60'
    client.simulate_post(f"{API}/auth/verify-email", json={"token": "x"})
    client.simulate_post(f"{API}/auth/login", json={"email": "a@example.com", "password": "x"})
    limited = client.simulate_post(f"{API}/auth/password-reset", json={"email": "a@example.com"})
    problem(limited, 429)
    assert "retry-after" in limited.headers


def test_tokens_are_stored_only_as_digests(
    mail_client: testing.TestClient,
    mail_container: ApplicationContainer,
    smtp_server: SmtpServer,
    engine: Engine,
) -> None:
    ada = register(mail_client, "ada")
    token = _reset_token(mail_client, mail_container, smtp_server, ada.email)
    with engine.connect() as connection:
        hashes = connection.execute(sa.select(email_tokens.c.token_hash)).scalars().all()
    assert hashes
    assert token not in hashes
