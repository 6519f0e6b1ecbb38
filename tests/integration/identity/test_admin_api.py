"""Staff and the admin API over HTTP (SQLite and PostgreSQL), with the emails read back
from a real SMTP server; `taskhub users grant-staff|revoke-staff` as a process."""

import uuid
from pathlib import Path

from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import create_app
from tests.integration.conftest import TEST_SECRET, container_for
from tests.integration.platform.test_cli import run
from tests.integration.smtp_server import SmtpServer, token_in
from tests.integration.world import (
    API,
    PASSWORD,
    User,
    bearer,
    create_api_key,
    create_org,
    problem,
    register,
)


def _staff(client: testing.TestClient, container: ApplicationContainer, name: str) -> User:
    user = register(client, name)
    assert container.identity.staff().set_staff(user.email, True) is True
    return user


def _login(client: testing.TestClient, email: str, password: str) -> testing.Result:
    return client.simulate_post(f"{API}/auth/login", json={"email": email, "password": password})


def test_everyone_but_staff_gets_404_on_admin_routes(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    ada = register(client, "ada")
    org_id = str(create_org(client, ada)["id"])
    key = create_api_key(client, org_id, ada, "admin")["key"]
    target = f"{API}/admin/users/{ada.id}"
    for headers in (ada.auth, bearer(key)):
        problem(client.simulate_get(f"{API}/admin/users", headers=headers), 404)
        problem(client.simulate_get(target, headers=headers), 404)
        # Not even a body that would fail validation reveals the route.
        problem(client.simulate_post(f"{API}/admin/users", json={"x": 1}, headers=headers), 404)
        problem(client.simulate_patch(target, json={"active": 5}, headers=headers), 404)
        problem(client.simulate_post(f"{target}/password-reset", headers=headers), 404)
    problem(client.simulate_get(f"{API}/admin/users"), 401)

    # A staff member whose status is revoked is turned away at once.
    container.identity.staff().set_staff(ada.email, True)
    assert client.simulate_get(f"{API}/admin/users", headers=ada.auth).status_code == 200
    container.identity.staff().set_staff(ada.email, False)
    problem(client.simulate_get(f"{API}/admin/users", headers=ada.auth), 404)


def test_staff_list_and_search_accounts(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    staff = _staff(client, container, "staff")
    marker = uuid.uuid4().hex[:6]
    grace = register(client, f"grace{marker}")
    linus = register(client, f"linus{marker}")
    container.identity.accounts().set_active(linus.email, False)

    found = client.simulate_get(f"{API}/admin/users?q={marker.upper()}", headers=staff.auth)
    assert found.status_code == 200, found.text
    items = found.json["items"]
    assert [i["email"] for i in items] == [linus.email, grace.email]
    assert set(items[0]) == {
        "id", "email", "name", "active", "staff", "email_verified", "created_at", "last_login_at",
    }  # fmt: skip
    assert items[0]["active"] is False
    assert items[1]["active"] is True
    assert items[1]["staff"] is False
    assert items[1]["email_verified"] is False
    active = client.simulate_get(
        f"{API}/admin/users?q={marker}&active=true", headers=staff.auth
    ).json["items"]
    assert [i["email"] for i in active] == [grace.email]
    by_name = client.simulate_get(f"{API}/admin/users?q=GRACE{marker}", headers=staff.auth)
    assert [i["id"] for i in by_name.json["items"]] == [str(grace.id)]
    problem(client.simulate_get(f"{API}/admin/users?active=maybe", headers=staff.auth), 422)
    problem(client.simulate_get(f"{API}/admin/users?page=2", headers=staff.auth), 422)
    wild = client.simulate_get(f"{API}/admin/users?q=%25", headers=staff.auth)
    assert wild.json["items"] == []
    me = client.simulate_get(f"{API}/admin/users/{staff.id}", headers=staff.auth).json
    assert me["staff"] is True
    assert me["last_login_at"] is None


def test_staff_create_an_account_that_chooses_its_password_by_email(
    mail_client: testing.TestClient, mail_container: ApplicationContainer, smtp_server: SmtpServer
) -> None:
    staff = _staff(mail_client, mail_container, "staff")
    email = f"grace-{uuid.uuid4().hex[:6]}@example.com"
    created = mail_client.simulate_post(
        f"{API}/admin/users", json={"email": email, "name": "Grace"}, headers=staff.auth
    )
    assert created.status_code == 201, created.text
    assert created.json["email_verified"] is False
    user_id = created.json["id"]
    taken = mail_client.simulate_post(
        f"{API}/admin/users", json={"email": email.upper(), "name": "G"}, headers=staff.auth
    )
    problem(taken, 409)
    bad = mail_client.simulate_post(
        f"{API}/admin/users", json={"email": "nope", "name": "G"}, headers=staff.auth
    )
    problem(bad, 422)

    mail_container.mail_sender().send_due()
    message = smtp_server.mailbox.wait_for(email)[-1]
    assert message["Subject"] == "Your taskhub account is ready"
    token = token_in(message, "reset-password")
    confirmed = mail_client.simulate_post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": PASSWORD}
    )
    assert confirmed.status_code == 204, confirmed.text
    signed_in = _login(mail_client, email, PASSWORD)
    assert signed_in.status_code == 200
    assert signed_in.json["user"]["id"] == user_id
    assert signed_in.json["user"]["email_verified"] is True
    log = mail_client.simulate_get(
        f"{API}/users/me/security-log", headers=bearer(signed_in.json["access_token"])
    ).json["items"]
    by_staff = {e["action"] for e in log if e["actor_id"] == str(staff.id)}
    assert {"user.registered", "user.created_by_staff"} <= by_staff


def test_staff_rename_deactivate_and_reset_and_the_user_s_log_names_them(
    mail_client: testing.TestClient, mail_container: ApplicationContainer, smtp_server: SmtpServer
) -> None:
    staff = _staff(mail_client, mail_container, "staff")
    ada = register(mail_client, "ada")
    target = f"{API}/admin/users/{ada.id}"

    assert mail_client.simulate_get(target, headers=staff.auth).json["email"] == ada.email
    renamed = mail_client.simulate_patch(target, json={"name": "Ada L."}, headers=staff.auth)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json["name"] == "Ada L."
    problem(mail_client.simulate_patch(target, json={"email": "x@y.z"}, headers=staff.auth), 422)
    problem(mail_client.simulate_patch(target, json={"name": None}, headers=staff.auth), 422)
    problem(mail_client.simulate_get(f"{API}/admin/users/{uuid.uuid4()}", headers=staff.auth), 404)

    off = mail_client.simulate_patch(target, json={"active": False}, headers=staff.auth)
    assert off.json["active"] is False
    problem(mail_client.simulate_get(f"{API}/users/me", headers=ada.auth), 401)
    problem(_login(mail_client, ada.email, PASSWORD), 401)
    on = mail_client.simulate_patch(target, json={"active": True}, headers=staff.auth)
    assert on.json["active"] is True

    sent = mail_client.simulate_post(f"{target}/password-reset", headers=staff.auth)
    assert sent.status_code == 202, sent.text
    mail_container.mail_sender().send_due()
    reset = [m for m in smtp_server.mailbox.wait_for(ada.email, 2) if "Reset" in m["Subject"]]
    assert token_in(reset[-1], "reset-password")

    signed_in = _login(mail_client, ada.email, PASSWORD)
    log = mail_client.simulate_get(
        f"{API}/users/me/security-log", headers=bearer(signed_in.json["access_token"])
    ).json["items"]
    by_staff = [e["action"] for e in log if e["actor_id"] == str(staff.id)]
    assert set(by_staff) == {
        "user.viewed_by_staff",
        "user.updated",
        "user.deactivated",
        "user.activated",
        "session.revoked",
        "user.password_reset_requested",
    }


def test_staff_get_no_access_to_an_organization_by_being_staff(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    owner = register(client, "owner")
    org_id = str(create_org(client, owner)["id"])
    staff = _staff(client, container, "staff")
    for path in ("", "/members", "/tasks", "/projects", "/audit-log"):
        problem(client.simulate_get(f"{API}/orgs/{org_id}{path}", headers=staff.auth), 404)
    assert client.simulate_get(f"{API}/orgs", headers=staff.auth).json["items"] == []


def test_grant_and_revoke_staff_on_the_command_line(engine: Engine, tmp_path: Path) -> None:
    client = testing.TestClient(create_app(container_for(engine)))
    ada = register(client, "ada")
    env = {
        "TASKHUB_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "TASKHUB_SECRET_KEY": TEST_SECRET,
    }
    granted = run(["users", "grant-staff", ada.email.upper()], tmp_path, **env)
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout.strip() == f"{ada.email.upper()}: staff"
    assert client.simulate_get(f"{API}/admin/users", headers=ada.auth).status_code == 200
    again = run(["users", "grant-staff", ada.email], tmp_path, **env)
    assert again.stdout.strip() == f"{ada.email}: staff (unchanged)"
    revoked = run(["users", "revoke-staff", ada.email], tmp_path, **env)
    assert revoked.returncode == 0, revoked.stderr
    problem(client.simulate_get(f"{API}/admin/users", headers=ada.auth), 404)
    unknown = run(["users", "grant-staff", "nobody@example.com"], tmp_path, **env)
    assert unknown.returncode == 1
    assert "Traceback" not in unknown.stderr
    log = client.simulate_get(f"{API}/users/me/security-log", headers=ada.auth).json["items"]
    staff_entries = [e for e in log if e["action"].startswith("user.staff_")]
    assert [e["action"] for e in staff_entries] == ["user.staff_revoked", "user.staff_granted"]
    assert all(e["actor_type"] == "system" for e in staff_entries)
