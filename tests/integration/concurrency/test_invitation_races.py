"""Invitations and erasure under concurrency (PostgreSQL, real threads, one app): one
pending invitation per email, a token that joins its organization exactly once, and
owners erasing their accounts at once never leave an organization without an owner."""

import uuid
from typing import Any

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import RateLimit
from tests.integration.concurrency.races import race
from tests.integration.conftest import container_for, empty_postgres
from tests.integration.smtp_server import SmtpServer, token_in
from tests.integration.world import (
    API,
    PASSWORD,
    User,
    add_member,
    bearer,
    create_org,
    register,
)

pytestmark = pytest.mark.postgres

ROUNDS = 4
WRITERS = 12


def _statuses(results: list[Any]) -> list[int]:
    return sorted(r.status_code for r in results)


@pytest.fixture
def setup(
    migrated_postgres: Engine, smtp_server: SmtpServer
) -> tuple[testing.TestClient, Any, User, str]:
    empty_postgres(migrated_postgres)
    container = container_for(
        migrated_postgres,
        smtp_url=smtp_server.url,
        rate_limit_auth=RateLimit(1000, 60),
        rate_limit_api=RateLimit(100_000, 60),
    )
    client = testing.TestClient(create_app(container))
    owner = register(client, "owner")
    return client, container, owner, str(create_org(client, owner)["id"])


def test_one_email_invited_at_once_gets_one_pending_invitation(
    setup: tuple[testing.TestClient, Any, User, str],
) -> None:
    client, _container, owner, org_id = setup
    for round_ in range(ROUNDS):
        body = {"email": f"same-{round_}@example.com", "role": "member"}
        results = race(
            [
                lambda body=body: client.simulate_post(
                    f"{API}/orgs/{org_id}/invitations", json=body, headers=owner.auth
                )
            ]
            * WRITERS
        )
        assert _statuses(results) == [201] + [409] * (WRITERS - 1)


def test_one_token_redeemed_at_once_joins_once(
    setup: tuple[testing.TestClient, Any, User, str], smtp_server: SmtpServer
) -> None:
    client, container, owner, org_id = setup
    for round_ in range(ROUNDS):
        email = f"new-{round_}-{uuid.uuid4().hex[:6]}@example.com"
        created = client.simulate_post(
            f"{API}/orgs/{org_id}/invitations",
            json={"email": email, "role": "member"},
            headers=owner.auth,
        )
        assert created.status_code == 201, created.text
        container.mail_sender().send_due()
        token = token_in(smtp_server.mailbox.wait_for(email)[-1], "accept-invitation")
        # Half register with the token (each with another case of the email, so every
        # registration reaches the invitation), half are one signed-in user accepting it.
        bodies = [
            {"email": email.upper() if i % 2 else email, "password": PASSWORD, "name": "N",
             "invitation_token": token}
            for i in range(WRITERS // 2)
        ]  # fmt: skip
        results = race(
            [
                lambda body=body: client.simulate_post(f"{API}/auth/register", json=body)
                for body in bodies
            ]
        )
        created_accounts = [r for r in results if r.status_code == 201]
        assert len(created_accounts) == 1, _statuses(results)
        assert set(_statuses(results)) <= {201, 409, 422}
        joined = bearer(created_accounts[0].json["access_token"])
        orgs = client.simulate_get(f"{API}/orgs", headers=joined).json["items"]
        assert [o["id"] for o in orgs] == [org_id]

        # Accepting a fresh invitation at once, as the same user, joins once.
        user = register(client, f"old{round_}")
        client.simulate_post(
            f"{API}/orgs/{org_id}/invitations",
            json={"email": user.email, "role": "viewer"},
            headers=owner.auth,
        )
        container.mail_sender().send_due()
        token = token_in(smtp_server.mailbox.wait_for(user.email)[-1], "accept-invitation")
        accepted = race(
            [
                lambda token=token, user=user: client.simulate_post(
                    f"{API}/invitations/accept", json={"token": token}, headers=user.auth
                )
            ]
            * WRITERS
        )
        assert [r.status_code for r in accepted].count(200) == 1, _statuses(accepted)
        assert set(_statuses(accepted)) <= {200, 409, 422}


def test_owners_erasing_their_accounts_at_once_leave_one_owner(
    setup: tuple[testing.TestClient, Any, User, str],
) -> None:
    client, _container, _owner, _org_id = setup
    for round_ in range(ROUNDS):
        founder = register(client, f"founder{round_}")
        org_id = str(create_org(client, founder)["id"])
        owners = [founder]
        for i in range(WRITERS - 1):
            owner = register(client, f"owner{round_}-{i}")
            add_member(client, org_id, founder, owner, "owner")
            owners.append(owner)
        results = race(
            [
                lambda owner=owner: client.simulate_delete(
                    f"{API}/users/me", json={"password": PASSWORD}, headers=owner.auth
                )
                for owner in owners
            ]
        )
        assert _statuses(results) == [204] * (WRITERS - 1) + [409]
        survivor = next(o for o, r in zip(owners, results, strict=True) if r.status_code == 409)
        members = client.simulate_get(f"{API}/orgs/{org_id}/members", headers=survivor.auth)
        assert [(m["user_id"], m["role"]) for m in members.json["items"]] == [
            (str(survivor.id), "owner")
        ]
