"""The audit chain is keyed with a secret the database does not hold: someone who can
write the database (triggers off, entries edited, the chain re-hashed) still cannot make
`verify` say valid; the chain verifies across a rotation of the secret while the old one
is configured; and chains written before the keys are linked by migration 0010."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.audit.adapters.keyring_chain_keys import KeyringChainKeys
from taskhub.contexts.audit.adapters.sql.repositories import SqlAuditEntryRepository
from taskhub.contexts.audit.adapters.sql.tables import audit_chain_heads, audit_entries
from taskhub.contexts.audit.domain.chain import ChainHead, verify_chain
from taskhub.contexts.audit.domain.entry import AuditEntry
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.platform.database import create_database_engine
from taskhub.platform.keyring import Keyring
from taskhub.platform.migrations import upgrade
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.integration.audit.events import gadget_changed
from tests.integration.audit.test_audit_api import write
from tests.integration.conftest import container_for
from tests.integration.world import API, User, create_org, register
from tests.unit.audit.test_keyed_chain import legacy_chain, plain_sha256_chain

OLD_SECRET = "the-secret-before-the-rotation-0123456789"
NEW_SECRET = "the-secret-after-the-rotation-9876543210ab"


def rewrite(engine: Engine, entries: list[AuditEntry]) -> None:
    """Store `entries` over the chain as a database superuser would, triggers off, and
    move the head to the last one."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        else:
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
        for entry in entries:
            connection.execute(
                audit_entries.update()
                .where(audit_entries.c.id == entry.id)
                .values(action=entry.action, prev_hash=entry.prev_hash, hash=entry.hash)
            )
        connection.execute(
            audit_chain_heads.update()
            .where(audit_chain_heads.c.chain_key == str(entries[-1].chain_key))
            .values(seq=entries[-1].seq, hash=entries[-1].hash)
        )
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))


def read_chain(engine: Engine, chain_key: ChainKey) -> tuple[list[AuditEntry], ChainHead]:
    with engine.connect() as connection:
        repository = SqlAuditEntryRepository(connection)
        head = repository.head(chain_key)
        assert head is not None
        return list(repository.chain(chain_key)), head


def test_an_edit_rehashed_without_the_key_is_found(
    client: testing.TestClient, engine: Engine
) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    for name in ("One", "Two", "Three"):
        made = client.simulate_post(
            f"{API}/orgs/{org['id']}/projects",
            json={"name": name, "key": name[:3].upper()},
            headers=owner.auth,
        )
        assert made.status_code == 201, made.text
    entries, _ = read_chain(engine, ChainKey.org(uuid.UUID(org["id"])))
    assert len(entries) >= 4
    entries[1] = attrs.evolve(entries[1], action="nothing.happened")
    rewrite(engine, plain_sha256_chain(entries))
    verified = client.simulate_get(f"{API}/orgs/{org['id']}/audit-log/verify", headers=owner.auth)
    assert verified.status_code == 200, verified.text
    assert verified.json == {
        "valid": False,
        "entries": len(entries),
        "first_bad_entry_id": str(entries[0].id),
    }


def verify(container: ApplicationContainer, org_id: uuid.UUID) -> tuple[bool, int]:
    principal = Principal(kind=PrincipalKind.USER, user_id=uuid.uuid4())
    result = container.audit.log().verify_org(
        Actor(principal=principal, org_id=org_id, role=Role.OWNER)
    )
    return result.valid, result.entries


def test_a_chain_verifies_across_a_rotation_while_the_old_secret_is_configured(
    engine: Engine,
) -> None:
    before = container_for(engine, secret_key=OLD_SECRET)
    after = container_for(engine, secret_key=NEW_SECRET, previous_secret_keys=(OLD_SECRET,))
    forgotten = container_for(engine, secret_key=NEW_SECRET)
    org_id, actor = uuid.uuid4(), User(id=uuid.uuid4(), email="a@example.com", token="")
    write(before, [gadget_changed(org_id) for _ in range(3)], actor)
    write(after, [gadget_changed(org_id) for _ in range(2)], actor)
    entries, _ = read_chain(engine, ChainKey.org(org_id))
    old_id = KeyringChainKeys(Keyring(OLD_SECRET)).current().key_id
    new_id = KeyringChainKeys(Keyring(NEW_SECRET)).current().key_id
    assert [e.key_id for e in entries] == [old_id] * 3 + [new_id] * 2
    assert verify(after, org_id) == (True, 5)
    assert verify(before, org_id) == (False, 5)  # the new entries' key is unknown there
    assert verify(forgotten, org_id) == (False, 5)


@pytest.fixture
def before_keys(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A blank database migrated to 0009, before chains were keyed."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        blank = engine
    else:
        blank = create_database_engine(f"sqlite:///{tmp_path / 'before-keys.db'}")
    upgrade(blank, "0009")
    yield blank
    if blank is not engine:
        blank.dispose()


def store_legacy(engine: Engine, entries: list[AuditEntry]) -> None:
    rows: list[dict[str, Any]] = []
    for e in entries:
        rows.append(
            {
                "id": e.id,
                "chain_key": str(e.chain_key),
                "seq": e.seq,
                "occurred_at": e.occurred_at,
                "actor_type": e.actor_type.value,
                "actor_id": e.actor_id,
                "action": e.action,
                "entity_type": e.entity_type,
                "entity_id": e.entity_id,
                "changes": {f: [old, new] for f, (old, new) in e.changes.items()},
                "ip": e.ip,
                "user_agent": e.user_agent,
                "request_id": e.request_id,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
        )
    with engine.begin() as connection:
        connection.execute(audit_entries.insert(), rows)  # no key_id: 0009 has none
        connection.execute(
            audit_chain_heads.insert().values(
                chain_key=str(entries[-1].chain_key), seq=entries[-1].seq, hash=entries[-1].hash
            )
        )


def test_chains_written_before_the_keys_are_linked_by_the_migration(
    before_keys: Engine,
) -> None:
    sound_key, broken_key = ChainKey.org(uuid.uuid4()), ChainKey.org(uuid.uuid4())
    sound, broken = legacy_chain(4, sound_key), legacy_chain(3, broken_key)
    broken[1] = attrs.evolve(broken[1], action="nothing.happened")
    store_legacy(before_keys, sound)
    store_legacy(before_keys, broken)
    with pytest.raises(RuntimeError, match="keyring"):
        upgrade(before_keys)
    keyring = Keyring(NEW_SECRET)
    upgrade(before_keys, keyring=keyring)
    keys = KeyringChainKeys(keyring).all()

    entries, head = read_chain(before_keys, sound_key)
    assert [e.id for e in entries] == [e.id for e in sound]
    assert [e.action for e in entries] == [e.action for e in sound]
    assert {e.key_id for e in entries} == {keys[0].key_id}
    assert verify_chain(entries, keys, head=head) == (True, 4, None)
    # An attacker's plain SHA-256 rewrite no longer passes, as it did before.
    assert not verify_chain(plain_sha256_chain(entries), keys).valid

    entries, head = read_chain(before_keys, broken_key)
    assert {e.key_id for e in entries} == {None}  # left as it was: still reported
    assert verify_chain(entries, keys, head=head) == (False, 3, entries[0].id)
    # The immutability triggers are back.
    with pytest.raises(sa.exc.DBAPIError), before_keys.begin() as connection:
        connection.execute(audit_entries.update().values(action="x"))
