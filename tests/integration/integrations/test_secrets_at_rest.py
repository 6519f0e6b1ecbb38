"""Webhook secrets at rest: sealed with a key derived from the secret key, never in clear.

API.md §Configuration: secrets the server must read back are encrypted at rest with a key
derived from `TASKHUB_SECRET_KEY`; a rotation of that key (the old one kept in
`TASKHUB_PREVIOUS_SECRET_KEYS`) must not stop deliveries from being signed.
"""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.integrations.adapters.sql.tables import webhooks
from taskhub.contexts.integrations.adapters.sql.unit_of_work import WEBHOOK_SECRETS
from taskhub.contexts.integrations.application.webhooks import ChangeWebhook
from taskhub.platform.keyring import Keyring
from taskhub.platform.migrations import downgrade, upgrade
from taskhub.platform.secret_box import SecretBox
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.integration.conftest import TEST_SECRET, container_for
from tests.integration.integrations.delivery_harness import RecordingReceiver, signature_is_valid
from tests.integration.platform.test_migrations import blank_engine  # noqa: F401 - a fixture

NEW_SECRET = "a-brand-new-secret-key-for-the-rotation-0123456789"


def stored_secrets(engine: Engine, webhook_id: uuid.UUID) -> tuple[str, str | None]:
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(webhooks.c.secret, webhooks.c.previous_secret).where(
                webhooks.c.id == webhook_id
            )
        ).one()
    return row.secret, row.previous_secret


def owner_of_new_org() -> Actor:
    return Actor(Principal(kind=PrincipalKind.USER, user_id=uuid.uuid4()), uuid.uuid4(), Role.OWNER)


def test_the_database_never_holds_a_webhook_secret_in_clear(engine: Engine) -> None:
    container = container_for(engine, webhook_allow_private=True)
    service = container.integrations.webhooks()
    actor = owner_of_new_org()
    created = service.create(actor, url="http://127.0.0.1:9/hook", events=["*"], description="")
    first = created.secret
    rotated = service.rotate_secret(actor, created.id)

    secret, previous = stored_secrets(engine, created.id)
    assert previous is not None
    for stored in (secret, previous):
        for plain in (first, rotated.secret):
            assert plain not in stored
            assert plain.removeprefix("whsec_") not in stored
    # What the server reads back is the plain secret again.
    again = service.get(actor, created.id)
    assert (again.secret, again.previous_secret) == (rotated.secret, first)


def test_deliveries_still_sign_after_the_secret_key_is_rotated(engine: Engine) -> None:
    before = container_for(engine, webhook_allow_private=True)
    actor = owner_of_new_org()
    with RecordingReceiver() as receiver:
        created = before.integrations.webhooks().create(
            actor, url=receiver.url, events=["*"], description=""
        )
        rotated = before.integrations.webhooks().rotate_secret(actor, created.id)

        after = container_for(
            engine,
            webhook_allow_private=True,
            secret_key=NEW_SECRET,
            previous_secret_keys=(TEST_SECRET,),
        )
        after.integrations.webhooks().ping(actor, created.id)
        assert after.integrations.dispatcher().run_once() == 1

        (arrival,) = receiver.arrivals
    # Both secrets (the current one and the one rotated out less than 24 h ago) sign.
    assert len(arrival.headers["webhook-signature"].split()) == 2
    assert signature_is_valid(rotated.secret, arrival.headers, arrival.body)
    assert signature_is_valid(created.secret, arrival.headers, arrival.body)
    # A write under the new key seals with it: the old key is no longer needed for it.
    after.integrations.webhooks().change(actor, created.id, ChangeWebhook(description="x"))
    without_old = container_for(engine, webhook_allow_private=True, secret_key=NEW_SECRET)
    assert without_old.integrations.webhooks().get(actor, created.id).secret == rotated.secret


def insert_webhook(
    engine: Engine,
    webhook_id: uuid.UUID,
    org_id: uuid.UUID,
    secret: str,
    previous_secret: str | None = None,
) -> None:
    """A webhook row as a migration finds it: written in SQL, by no current code."""
    now = datetime(2026, 11, 23, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO integrations_webhooks (id, org_id, url, events, description, "
                "active, secret, previous_secret, created_at, updated_at, version) VALUES "
                "(:id, :org, 'https://partner.example/hook', '[\"*\"]', '', :yes, :secret, "
                ":previous, :now, :now, 1)"
            ).bindparams(
                sa.bindparam("id", type_=sa.Uuid()),
                sa.bindparam("org", type_=sa.Uuid()),
                sa.bindparam("now", type_=sa.DateTime(timezone=True)),
            ),
            {
                "id": webhook_id,
                "org": org_id,
                "yes": True,
                "secret": secret,
                "previous": previous_secret,
                "now": now,
            },
        )


def test_secrets_written_before_0011_are_sealed_by_the_migration(
    blank_engine: Engine,  # noqa: F811 - the fixture
) -> None:
    upgrade(blank_engine, "0009")
    plain = "whsec_" + "A" * 43 + "="
    webhook_id, org_id = uuid.uuid4(), uuid.uuid4()
    insert_webhook(blank_engine, webhook_id, org_id, plain)

    upgrade(blank_engine, keyring=Keyring(TEST_SECRET))

    secret, _previous = stored_secrets(blank_engine, webhook_id)
    assert plain.removeprefix("whsec_") not in secret
    container = container_for(blank_engine)
    actor = Actor(Principal(kind=PrincipalKind.USER, user_id=uuid.uuid4()), org_id, Role.OWNER)
    assert container.integrations.webhooks().get(actor, webhook_id).secret == plain


def test_the_migration_refuses_clear_secrets_it_cannot_seal(
    blank_engine: Engine,  # noqa: F811 - the fixture
) -> None:
    upgrade(blank_engine, "0009")
    now = datetime(2026, 11, 23, tzinfo=UTC)
    with blank_engine.begin() as connection:
        connection.execute(
            webhooks.insert().values(
                id=uuid.uuid4(),
                org_id=uuid.uuid4(),
                url="https://partner.example/hook",
                events=["*"],
                description="",
                active=True,
                secret="whsec_" + "B" * 43 + "=",
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
    with pytest.raises(RuntimeError, match="TASKHUB_SECRET_KEY"):
        upgrade(blank_engine)


def test_downgrading_0011_opens_what_the_server_sealed(
    blank_engine: Engine,  # noqa: F811 - the fixture
) -> None:
    """The migration keeps its own copy of the sealed format: it must open what the
    server's `SecretBox` wrote, under the current key and under a previous one."""
    upgrade(blank_engine, "0011")
    old, new = Keyring(TEST_SECRET), Keyring(NEW_SECRET, [TEST_SECRET])
    webhook_id, plain, previous = uuid.uuid4(), "whsec_" + "C" * 43 + "=", "whsec_" + "D" * 43
    insert_webhook(
        blank_engine,
        webhook_id,
        uuid.uuid4(),
        SecretBox(new, WEBHOOK_SECRETS).seal(plain, webhook_id.bytes),
        SecretBox(old, WEBHOOK_SECRETS).seal(previous, webhook_id.bytes),
    )

    downgrade(blank_engine, "0010", keyring=new)

    assert stored_secrets(blank_engine, webhook_id) == (plain, previous)
