from taskhub.platform.keyring import Keyring, derive_key

OLD = "o" * 40
NEW = "n" * 40


def test_each_purpose_gets_its_own_key() -> None:
    assert derive_key(NEW, "audit-chain").material != derive_key(NEW, "webhook-secrets").material
    assert derive_key(NEW, "audit-chain") == derive_key(NEW, "audit-chain")


def test_a_rotated_keyring_writes_with_the_new_key_and_still_finds_the_old_one() -> None:
    before = Keyring(OLD).current("audit-chain")
    ring = Keyring(NEW, previous=[OLD])
    assert ring.current("audit-chain") == derive_key(NEW, "audit-chain")
    assert ring.find("audit-chain", before.key_id) == before
    assert [key.key_id for key in ring.all("audit-chain")] == [
        derive_key(NEW, "audit-chain").key_id,
        before.key_id,
    ]
    assert Keyring(NEW).find("audit-chain", before.key_id) is None


def test_a_key_never_shows_its_material() -> None:
    key = derive_key(NEW, "audit-chain")
    assert key.material.hex() not in repr(key)
    assert len(key.key_id) == 16
