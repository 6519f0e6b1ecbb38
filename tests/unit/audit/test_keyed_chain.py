"""The chain is keyed: without the key nobody forges a chain that verifies, and a chain
verifies across key rotations as long as the earlier keys are configured."""

import hashlib

import attrs

from taskhub.contexts.audit.application.testing.fakes import fake_link_key
from taskhub.contexts.audit.domain.chain import (
    GENESIS_HASH,
    ChainHead,
    canonical_json,
    hashable_fields,
    verify_chain,
)
from taskhub.contexts.audit.domain.entry import AuditEntry
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.contexts.audit.domain.legacy_chain import legacy_hash, relink, verify_legacy_chain
from tests.contracts.audit import KEY, draft
from tests.unit.audit.test_domain_rules import ORG, chain_of, head_of

OLD, NEW = fake_link_key("old"), fake_link_key("new")


def plain_sha256_chain(entries: list[AuditEntry]) -> list[AuditEntry]:
    """What someone who can write the database but lacks the key can compute."""
    forged, prev = [], GENESIS_HASH
    for entry in entries:
        fields = hashable_fields(entry.chain_key, entry.seq, entry, entry.key_id)
        digest = hashlib.sha256(canonical_json(fields) + prev.encode()).hexdigest()
        forged.append(attrs.evolve(entry, prev_hash=prev, hash=digest))
        prev = digest
    return forged


def test_an_edit_rehashed_without_the_key_does_not_verify() -> None:
    entries = chain_of(4)
    entries[1] = attrs.evolve(entries[1], action="nothing.happened")
    forged = plain_sha256_chain(entries)
    assert verify_chain(forged, [KEY], head=head_of(forged)) == (False, 4, forged[0].id)


def test_a_chain_verifies_across_a_rotation_only_with_the_earlier_key() -> None:
    head = ChainHead.genesis(ORG)
    entries = []
    for n in range(6):
        entry, head = head.append(draft(action=f"step.{n}"), OLD if n < 3 else NEW)
        entries.append(entry)
    assert [e.key_id for e in entries] == [OLD.key_id] * 3 + [NEW.key_id] * 3
    assert verify_chain(entries, [NEW, OLD], head=head) == (True, 6, None)
    assert verify_chain(entries, [NEW], head=head) == (False, 6, entries[0].id)


def test_an_entry_claiming_another_configured_key_does_not_verify() -> None:
    entries = chain_of(3)
    entries[1] = attrs.evolve(entries[1], key_id=NEW.key_id)
    assert verify_chain(entries, [KEY, NEW]) == (False, 3, entries[1].id)


def test_unkeyed_entries_never_verify() -> None:
    legacy = legacy_chain(3)
    assert verify_legacy_chain(legacy, head=head_of(legacy)).valid
    assert verify_chain(legacy, [KEY], head=head_of(legacy)) == (False, 3, legacy[0].id)


def test_relinking_a_sound_legacy_chain_makes_it_verify_with_the_key() -> None:
    legacy = legacy_chain(4)
    relinked, head = relink(legacy, KEY)
    assert [e.id for e in relinked] == [e.id for e in legacy]
    assert [e.seq for e in relinked] == [1, 2, 3, 4]
    assert all(e.key_id == KEY.key_id for e in relinked)
    assert verify_chain(relinked, [KEY], head=head) == (True, 4, None)


def test_a_tampered_legacy_chain_fails_the_legacy_check() -> None:
    legacy = legacy_chain(3)
    legacy[1] = attrs.evolve(legacy[1], action="nothing.happened")
    assert verify_legacy_chain(legacy, head=head_of(legacy)) == (False, 3, legacy[1].id)


def legacy_chain(count: int, chain_key: ChainKey = ORG) -> list[AuditEntry]:
    """A chain as written before keys: plain SHA-256 links, no `key_id`."""
    entries, prev = [], GENESIS_HASH
    for entry in chain_of(count, chain_key):
        unkeyed = attrs.evolve(entry, key_id=None, prev_hash=prev, hash="")
        unkeyed = attrs.evolve(unkeyed, hash=legacy_hash(unkeyed))
        entries.append(unkeyed)
        prev = unkeyed.hash
    return entries
