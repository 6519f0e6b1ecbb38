"""The hash chain, redaction and the chain check, as pure rules."""

import enum
import hashlib
import hmac
import itertools
import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from taskhub.contexts.audit.domain.chain import (
    GENESIS_HASH,
    ChainHead,
    canonical_json,
    entry_hash,
    verify_chain,
)
from taskhub.contexts.audit.domain.entry import REDACTED, AuditEntry, EntryDraft, json_ready
from taskhub.contexts.audit.domain.keys import ChainKey, ChainKind
from taskhub.shared_kernel.acting import ActorType
from tests.contracts.audit import KEY, KEYS, NOW, draft

ORG = ChainKey.org(uuid.UUID("11111111-1111-4111-8111-111111111111"))


def chain_of(count: int, chain_key: ChainKey = ORG) -> list[AuditEntry]:
    head = ChainHead.genesis(chain_key)
    entries = []
    for n in range(count):
        entry, head = head.append(draft(action=f"step.{n}"), KEY)
        entries.append(entry)
    return entries


def head_of(entries: list[AuditEntry]) -> ChainHead:
    return ChainHead(entries[-1].chain_key, entries[-1].seq, entries[-1].hash)


# chain keys


def test_chain_keys_name_their_kind() -> None:
    owner = uuid.uuid4()
    assert str(ChainKey.org(owner)) == f"org:{owner}"
    assert str(ChainKey.user(owner)) == f"user:{owner}"
    assert ChainKey.parse(f"user:{owner}") == ChainKey(ChainKind.USER, owner)
    assert ChainKey.org(owner) != ChainKey.user(owner)


# hashing


def test_the_hash_is_hmac_sha256_over_canonical_json_then_the_previous_hash() -> None:
    entry_id, actor, entity = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    written = EntryDraft.create(
        entry_id=entry_id,
        occurred_at=datetime(2026, 11, 22, 11, 0, 0, 5, tzinfo=timezone(timedelta(hours=1))),
        actor_type=ActorType.USER,
        actor_id=actor,
        action="member.added",
        entity_type="member",
        entity_id=entity,
        changes={"role": (None, "admin")},
        ip="203.0.113.7",
        user_agent="curl/8",
        request_id="abc",
    )
    entry, head = ChainHead.genesis(ORG).append(written, KEY)
    expected_json = (
        '{"action":"member.added",'
        f'"actor_id":"{actor}","actor_type":"user",'
        f'"chain_key":"{ORG}",'
        '"changes":{"role":[null,"admin"]},'
        f'"entity_id":"{entity}","entity_type":"member",'
        f'"id":"{entry_id}",'
        '"ip":"203.0.113.7",'
        f'"key_id":"{KEY.key_id}",'
        '"occurred_at":"2026-11-22T10:00:00.000005Z",'
        '"request_id":"abc","seq":1,"user_agent":"curl/8"}'
    )
    message = expected_json.encode() + GENESIS_HASH.encode()
    expected = hmac.new(KEY.material, message, hashlib.sha256).hexdigest()
    assert (entry.seq, entry.prev_hash, entry.hash) == (1, GENESIS_HASH, expected)
    assert entry.key_id == KEY.key_id
    assert head == ChainHead(ORG, 1, expected)
    assert entry.occurred_at == datetime(2026, 11, 22, 10, 0, 0, 5, tzinfo=UTC)
    assert entry_hash(entry, KEY) == expected


def test_canonical_json_is_compact_sorted_utf8() -> None:
    assert canonical_json({"b": 1, "a": ["é", None]}) == '{"a":["é",null],"b":1}'.encode()


def test_each_entry_links_to_the_one_before() -> None:
    entries = chain_of(4)
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in entries}) == 4


def test_the_same_draft_hashes_differently_in_another_chain_or_place() -> None:
    written = draft()
    in_org, _ = ChainHead.genesis(ORG).append(written, KEY)
    in_user_log, _ = ChainHead.genesis(ChainKey.user(ORG.owner_id)).append(written, KEY)
    later, _ = ChainHead(ORG, 1, in_org.hash).append(written, KEY)
    assert len({in_org.hash, in_user_log.hash, later.hash}) == 3


# drafts: redaction and normalisation


@pytest.mark.parametrize(
    "field",
    ["password", "new_Password", "secret", "WEBHOOK_SECRET", "token", "refresh_token",
     "password_hash", "key_hash", "Hash"],
)  # fmt: skip
def test_fields_that_may_hold_secrets_are_redacted(field: str) -> None:
    written = draft(changes={field: ("old-value", "new-value"), "name": ("a", "b")})
    assert written.changes == {field: (REDACTED, REDACTED), "name": ("a", "b")}


def test_secret_looking_keys_inside_values_are_redacted_too() -> None:
    written = draft(changes={"config": ({}, {"url": "https://x", "Secret": "whsec_123"})})
    assert written.changes == {"config": ({}, {"url": "https://x", "Secret": REDACTED})}


class Colour(enum.StrEnum):
    RED = "red"


def test_change_values_are_made_json_ready() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    some_id = uuid.uuid4()
    written = draft(
        changes={
            "when": (None, when),
            "day": (date(2026, 1, 2), None),
            "id": (some_id, None),
            "colour": (Colour.RED, None),
            "tags": (("b", "a"), {"z", "y"}),
            "amount": (Decimal("1.50"), float("nan")),
        }
    )
    assert written.changes == {
        "when": (None, "2026-01-02T01:04:05.000000Z"),
        "day": ("2026-01-02", None),
        "id": (str(some_id), None),
        "colour": ("red", None),
        "tags": (["b", "a"], ["y", "z"]),
        "amount": ("1.50", "nan"),
    }
    # What is hashed is exactly what JSON storage gives back.
    assert json.loads(json.dumps(json_ready(written.changes))) == json_ready(written.changes)


def test_a_draft_refuses_naive_times_and_bad_names() -> None:
    with pytest.raises(ValueError, match="timezone"):
        draft(occurred_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="action"):
        draft(action="")
    with pytest.raises(ValueError, match="entity type"):
        draft(entity_type="x" * 65)


def test_client_supplied_values_are_clipped_to_their_columns() -> None:
    written = draft(ip="1" * 100, user_agent="u" * 1000, request_id="r" * 200)
    assert (
        len(written.ip or ""),
        len(written.user_agent or ""),
        len(written.request_id or ""),
    ) == (
        64,
        512,
        128,
    )


# verification


def test_an_intact_chain_verifies() -> None:
    entries = chain_of(5)
    assert verify_chain(entries, KEYS) == (True, 5, None)
    assert verify_chain(entries, KEYS, head=head_of(entries)) == (True, 5, None)


def test_an_empty_chain_verifies() -> None:
    assert verify_chain([], KEYS) == (True, 0, None)
    assert verify_chain([], KEYS, head=ChainHead.genesis(ORG)) == (True, 0, None)


@pytest.mark.parametrize(
    "edit",
    [
        {"action": "something.else"},
        {"changes": {"name": ("Old", "Forged")}},
        {"actor_id": uuid.uuid4()},
        {"occurred_at": NOW + timedelta(microseconds=1)},
        {"ip": None},
        {"actor_type": ActorType.SYSTEM},
    ],
)
def test_an_edited_field_is_found(edit: dict[str, Any]) -> None:
    entries = chain_of(4)
    entries[2] = attrs.evolve(entries[2], **edit)
    assert verify_chain(entries, KEYS) == (False, 4, entries[2].id)


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link() -> None:
    entries = chain_of(4)
    forged = attrs.evolve(entries[1], action="forged")
    entries[1] = attrs.evolve(forged, hash=entry_hash(forged, KEY))
    assert verify_chain(entries, KEYS) == (False, 4, entries[2].id)


def test_a_rewritten_last_entry_is_found_through_the_head() -> None:
    entries = chain_of(3)
    head = head_of(entries)
    forged = attrs.evolve(entries[2], action="forged")
    entries[2] = attrs.evolve(forged, hash=entry_hash(forged, KEY))
    assert verify_chain(entries, KEYS).valid
    assert verify_chain(entries, KEYS, head=head) == (False, 3, entries[2].id)


def test_a_removed_entry_is_found() -> None:
    entries = chain_of(5)
    removed = entries.pop(2)
    assert verify_chain(entries, KEYS) == (False, 4, entries[2].id)
    assert entries[2].seq == removed.seq + 1


def test_a_removed_first_entry_is_found() -> None:
    entries = chain_of(3)[1:]
    assert verify_chain(entries, KEYS) == (False, 2, entries[0].id)


def test_entries_cut_off_the_end_are_found_through_the_head() -> None:
    entries = chain_of(5)
    head = head_of(entries)
    assert verify_chain(entries[:3], KEYS).valid
    assert verify_chain(entries[:3], KEYS, head=head) == (False, 3, None)
    assert verify_chain([], KEYS, head=head) == (False, 0, None)


def test_a_reordered_entry_is_found() -> None:
    entries = chain_of(5)
    entries[1], entries[3] = entries[3], entries[1]
    assert verify_chain(entries, KEYS) == (False, 5, entries[1].id)


def test_swapped_seq_numbers_are_found() -> None:
    entries = chain_of(3)
    entries[0], entries[1] = (
        attrs.evolve(entries[1], seq=1),
        attrs.evolve(entries[0], seq=2),
    )
    assert verify_chain(entries, KEYS) == (False, 3, entries[0].id)


def test_an_entry_from_another_chain_is_found() -> None:
    entries = chain_of(3)
    foreign = chain_of(3, ChainKey.org(uuid.uuid4()))
    entries[2] = foreign[2]
    assert verify_chain(entries, KEYS) == (False, 3, foreign[2].id)


def test_an_entry_past_the_head_is_found() -> None:
    entries = chain_of(4)
    head = ChainHead(ORG, 3, entries[2].hash)
    assert verify_chain(entries, KEYS, head=head) == (False, 4, entries[3].id)
