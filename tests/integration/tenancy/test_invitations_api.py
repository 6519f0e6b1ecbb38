"""Invitations over HTTP, with the invitation emails read back from a real SMTP server
(SQLite and PostgreSQL)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.tenancy.adapters.sql.tables import invitations
from taskhub.platform.messaging.tables import outbox
from tests.integration.smtp_server import SmtpServer, html_of, text_of, token_in
from tests.integration.world import (
    API,
    PASSWORD,
    User,
    add_member,
    bearer,
    create_org,
    problem,
    register,
)


def _invite(
    client: testing.TestClient, org_id: str, by: User, email: str, role: str = "member"
) -> testing.Result:
    return client.simulate_post(
        f"{API}/orgs/{org_id}/invitations", json={"email": email, "role": role}, headers=by.auth
    )


def _token(container: ApplicationContainer, server: SmtpServer, email: str) -> str:
    container.mail_sender().send_due()
    message = server.mailbox.wait_for(email)[-1]
    return token_in(message, "accept-invitation")


def _statuses(client: testing.TestClient, org_id: str, by: User, status: str = "") -> list[str]:
    query = f"?status={status}" if status else ""
    result = client.simulate_get(f"{API}/orgs/{org_id}/invitations{query}", headers=by.auth)
    assert result.status_code == 200, result.text
    return [item["email"] for item in result.json["items"]]


def _members(client: testing.TestClient, org_id: str, by: User) -> dict[str, str]:
    result = client.simulate_get(f"{API}/orgs/{org_id}/members", headers=by.auth)
    return {item["email"]: item["role"] for item in result.json["items"]}


def _audit_actions(client: testing.TestClient, org_id: str, by: User) -> list[str]:
    result = client.simulate_get(f"{API}/orgs/{org_id}/audit-log", headers=by.auth)
    return [entry["action"] for entry in result.json["items"]]


def test_a_newcomer_registers_with_the_emailed_token_and_joins_verified(
    mail_client: testing.TestClient,
    mail_container: ApplicationContainer,
    smtp_server: SmtpServer,
    engine: Engine,
) -> None:
    owner = register(mail_client, "owner")
    org = create_org(mail_client, owner)
    org_id = str(org["id"])
    email = f"Grace-{uuid.uuid4().hex[:6]}@Example.com"

    created = _invite(mail_client, org_id, owner, email, "admin")
    assert created.status_code == 201, created.text
    body = created.json
    assert body["email"] == email
    assert body["role"] == "admin"
    assert body["status"] == "pending"
    assert body["invited_by"] == str(owner.id)
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)

    token = _token(mail_container, smtp_server, email)
    message = smtp_server.mailbox.to(email)[-1]
    assert org["name"] in message["Subject"]
    assert f"http://localhost:3000/accept-invitation?token={token}" in text_of(message)
    assert f'href="http://localhost:3000/accept-invitation?token={token}"' in html_of(message)

    # The email must be the invited one (any case).
    wrong = mail_client.simulate_post(
        f"{API}/auth/register",
        json={
            "email": "other@example.com",
            "password": PASSWORD,
            "name": "O",
            "invitation_token": token,
        },
    )
    problem(wrong, 403, "invitation_email_mismatch")
    registered = mail_client.simulate_post(
        f"{API}/auth/register",
        json={
            "email": email.lower(),
            "password": PASSWORD,
            "name": "Grace",
            "invitation_token": token,
        },
    )
    assert registered.status_code == 201, registered.text
    grace = bearer(registered.json["access_token"])
    assert registered.json["user"]["email_verified"] is True
    me = mail_client.simulate_get(f"{API}/users/me", headers=grace).json
    assert me["email_verified"] is True
    orgs = mail_client.simulate_get(f"{API}/orgs", headers=grace).json["items"]
    assert [(o["id"], o["role"]) for o in orgs] == [(org_id, "admin")]
    assert _members(mail_client, org_id, owner)[email.lower()] == "admin"
    assert _statuses(mail_client, org_id, owner, "accepted") == [email]
    assert _statuses(mail_client, org_id, owner, "pending") == []

    # No verification email for an invited registration: the invitation proved the mailbox.
    mail_container.mail_sender().send_due()
    assert len(smtp_server.mailbox.to(email)) == 1

    # Single use.
    again = mail_client.simulate_post(
        f"{API}/auth/register",
        json={"email": "x" + email, "password": PASSWORD, "name": "X", "invitation_token": token},
    )
    assert problem(again, 422)["errors"][0]["field"] == "invitation_token"

    actions = _audit_actions(mail_client, org_id, owner)
    assert {"invitation.created", "invitation.accepted", "member.added"} <= set(actions)
    with engine.connect() as connection:
        published = connection.execute(
            sa.select(outbox.c.event_type, outbox.c.payload).where(
                outbox.c.event_type.like("invitation.%")
            )
        ).all()
    payloads: dict[str, Any] = {row.event_type: row.payload for row in published}
    assert set(payloads) == {"invitation.created", "invitation.accepted"}
    assert payloads["invitation.created"]["id"] == body["id"]
    assert payloads["invitation.accepted"]["status"] == "accepted"


def test_a_registered_user_accepts_as_themselves_only(
    mail_client: testing.TestClient, mail_container: ApplicationContainer, smtp_server: SmtpServer
) -> None:
    owner = register(mail_client, "owner")
    org_id = str(create_org(mail_client, owner)["id"])
    ada = register(mail_client, "ada")
    eve = register(mail_client, "eve")
    assert _invite(mail_client, org_id, owner, ada.email.upper()).status_code == 201
    token = _token(mail_container, smtp_server, ada.email.upper())

    stolen = mail_client.simulate_post(
        f"{API}/invitations/accept", json={"token": token}, headers=eve.auth
    )
    problem(stolen, 403, "invitation_email_mismatch")
    unknown = mail_client.simulate_post(
        f"{API}/invitations/accept", json={"token": "nope"}, headers=ada.auth
    )
    assert problem(unknown, 422)["errors"] == [
        {"field": "token", "message": "is invalid, used, revoked or expired"}
    ]
    accepted = mail_client.simulate_post(
        f"{API}/invitations/accept", json={"token": token}, headers=ada.auth
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json == {"org_id": org_id, "role": "member"}
    assert _members(mail_client, org_id, owner)[ada.email] == "member"
    twice = mail_client.simulate_post(
        f"{API}/invitations/accept", json={"token": token}, headers=ada.auth
    )
    problem(twice, 422)
    anonymous = mail_client.simulate_post(f"{API}/invitations/accept", json={"token": token})
    problem(anonymous, 401)


def test_the_member_rules_apply_to_invitations(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    org_id = str(create_org(client, owner)["id"])
    admin = register(client, "admin")
    member = register(client, "member")
    add_member(client, org_id, owner, admin, "admin")
    add_member(client, org_id, owner, member, "member")

    problem(_invite(client, org_id, admin, "boss@example.com", "owner"), 403)
    problem(_invite(client, org_id, admin, "boss@example.com", "admin"), 403)
    problem(_invite(client, org_id, member, "someone@example.com"), 403)
    assert _invite(client, org_id, admin, "someone@example.com").status_code == 201
    problem(_invite(client, org_id, admin, "SOMEONE@example.com"), 409, "invitation_pending")
    problem(_invite(client, org_id, admin, member.email), 409, "already_member")
    problem(_invite(client, org_id, admin, "not an email", "member"), 422)
    unknown_field = client.simulate_post(
        f"{API}/orgs/{org_id}/invitations",
        json={"email": "a@example.com", "role": "member", "status": "accepted"},
        headers=admin.auth,
    )
    problem(unknown_field, 422)
    problem(
        client.simulate_get(f"{API}/orgs/{org_id}/invitations?status=lost", headers=admin.auth),
        422,
    )
    # Another organization's admin sees nothing of it.
    stranger = register(client, "stranger")
    problem(client.simulate_get(f"{API}/orgs/{org_id}/invitations", headers=stranger.auth), 404)


def test_revoked_and_expired_invitations_stop_working(
    mail_client: testing.TestClient,
    mail_container: ApplicationContainer,
    smtp_server: SmtpServer,
    engine: Engine,
) -> None:
    owner = register(mail_client, "owner")
    org_id = str(create_org(mail_client, owner)["id"])
    ada = register(mail_client, "ada")
    bob = register(mail_client, "bob")
    revoked: dict[str, Any] = _invite(mail_client, org_id, owner, ada.email).json
    revoked_token = _token(mail_container, smtp_server, ada.email)
    assert _invite(mail_client, org_id, owner, bob.email).status_code == 201
    expired_token = _token(mail_container, smtp_server, bob.email)

    gone = mail_client.simulate_delete(
        f"{API}/orgs/{org_id}/invitations/{revoked['id']}", headers=owner.auth
    )
    assert gone.status_code == 204, gone.text
    problem(
        mail_client.simulate_delete(
            f"{API}/orgs/{org_id}/invitations/{revoked['id']}", headers=owner.auth
        ),
        409,
    )
    problem(
        mail_client.simulate_delete(
            f"{API}/orgs/{org_id}/invitations/{uuid.uuid4()}", headers=owner.auth
        ),
        404,
    )
    refused = mail_client.simulate_post(
        f"{API}/invitations/accept", json={"token": revoked_token}, headers=ada.auth
    )
    assert problem(refused, 422)["errors"][0]["field"] == "token"

    with engine.begin() as connection:
        connection.execute(
            invitations.update()
            .where(invitations.c.email == bob.email)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    late = mail_client.simulate_post(
        f"{API}/invitations/accept", json={"token": expired_token}, headers=bob.auth
    )
    problem(late, 422)
    assert _statuses(mail_client, org_id, owner, "revoked") == [ada.email]
    assert _statuses(mail_client, org_id, owner, "expired") == [bob.email]
    assert _statuses(mail_client, org_id, owner) == [bob.email, ada.email]
    assert "invitation.revoked" in _audit_actions(mail_client, org_id, owner)

    # An expired invitation does not block a new one.
    again = _invite(mail_client, org_id, owner, bob.email)
    assert again.status_code == 201, again.text
    assert _statuses(mail_client, org_id, owner, "pending") == [bob.email]
    assert _statuses(mail_client, org_id, owner, "expired") == [bob.email]
