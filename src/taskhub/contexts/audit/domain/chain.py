"""The keyed hash chain: how entries are linked, and how a chain is checked.

Every log (an organization's, a user's security log) is one chain. Entry `n` carries
`seq = n`, the hash of entry `n - 1` (`prev_hash`; 64 zeros for the first), the id of
the key it was linked with (`key_id`) and its own hash: HMAC-SHA256, in hex, keyed with
that `LinkKey`, of the canonical JSON of its fields (`seq`, the chain key and `key_id`
included) followed by `prev_hash`. The keys are derived from the server's secret and
never stored with the entries, so whoever can write the database cannot compute a hash
that verifies. The chain's head remembers the last `seq` and hash, so entries cut off
the end are missed too. Editing, removing, inserting or reordering entries anywhere
shows in `verify_chain`, and so does an entry whose key no configured secret makes.
"""

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Collection, Iterable
from typing import Any, NamedTuple

import attrs

from taskhub.contexts.audit.domain.entry import AuditEntry, EntryDraft, format_time
from taskhub.contexts.audit.domain.keys import ChainKey

GENESIS_HASH = "0" * 64


@attrs.frozen(repr=False)
class LinkKey:
    """A secret that links entries, named by a public `key_id` stored with each entry."""

    key_id: str
    material: bytes

    def __repr__(self) -> str:  # never the material, even in a traceback
        return f"LinkKey(key_id={self.key_id!r})"


@attrs.frozen
class ChainHead:
    """Where a chain ends: the last entry's `seq` and hash (0 and GENESIS_HASH when empty)."""

    chain_key: ChainKey
    seq: int
    hash: str

    @classmethod
    def genesis(cls, chain_key: ChainKey) -> "ChainHead":
        return cls(chain_key, 0, GENESIS_HASH)

    def append(self, draft: EntryDraft, key: LinkKey) -> tuple[AuditEntry, "ChainHead"]:
        """The draft as the chain's next entry, linked with `key`, and the head after it."""
        seq = self.seq + 1
        unhashed = hashable_fields(self.chain_key, seq, draft, key.key_id)
        digest = _link(key, unhashed, self.hash)
        entry = AuditEntry(
            id=draft.id,
            chain_key=self.chain_key,
            seq=seq,
            occurred_at=draft.occurred_at,
            actor_type=draft.actor_type,
            actor_id=draft.actor_id,
            action=draft.action,
            entity_type=draft.entity_type,
            entity_id=draft.entity_id,
            changes=draft.changes,
            ip=draft.ip,
            user_agent=draft.user_agent,
            request_id=draft.request_id,
            prev_hash=self.hash,
            hash=digest,
            key_id=key.key_id,
        )
        return entry, ChainHead(self.chain_key, seq, digest)


def hashable_fields(
    chain_key: ChainKey, seq: int, entry: EntryDraft | AuditEntry, key_id: str | None
) -> dict[str, Any]:
    """What an entry's hash covers (with `prev_hash` appended): everything it says.

    `key_id` is None only for the plain SHA-256 entries written before chains were
    keyed (see `legacy_chain`), whose hashes did not cover it.
    """
    fields = {
        "id": str(entry.id),
        "chain_key": str(chain_key),
        "seq": seq,
        "occurred_at": format_time(entry.occurred_at),
        "actor_type": entry.actor_type.value,
        "actor_id": None if entry.actor_id is None else str(entry.actor_id),
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": str(entry.entity_id),
        "changes": {field: [old, new] for field, (old, new) in entry.changes.items()},
        "ip": entry.ip,
        "user_agent": entry.user_agent,
        "request_id": entry.request_id,
    }
    if key_id is not None:
        fields["key_id"] = key_id
    return fields


def canonical_json(document: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: one byte string per document."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _link(key: LinkKey, fields: dict[str, Any], prev_hash: str) -> str:
    message = canonical_json(fields) + prev_hash.encode("ascii")
    return hmac.new(key.material, message, hashlib.sha256).hexdigest()


def entry_hash(entry: AuditEntry, key: LinkKey) -> str:
    """The hash `entry` should carry if it was linked with `key`, recomputed from what it
    says."""
    fields = hashable_fields(entry.chain_key, entry.seq, entry, key.key_id)
    return _link(key, fields, entry.prev_hash)


class ChainVerification(NamedTuple):
    """The verdict on one chain.

    `entries` counts every entry read. `first_bad_entry_id` is None when the chain is
    valid, and also when every entry checks out but the head records more than were
    found (entries were cut off the end).
    """

    valid: bool
    entries: int
    first_bad_entry_id: uuid.UUID | None = None


def verify_chain(
    entries: Iterable[AuditEntry],
    keys: Collection[LinkKey],
    *,
    head: ChainHead | None = None,
) -> ChainVerification:
    """Recompute every hash with the key its `key_id` names, and check `seq` continuity
    and the `prev_hash` links.

    `keys` are every key an entry may have been linked with (the current one and those
    of earlier secrets), so a chain verifies across rotations; an entry whose `key_id`
    none of them has (a secret no longer configured, or no key at all) is bad.
    `entries` are read in the order given (oldest first), so a store that lists them
    by `seq` shows a swapped pair as a break. With `head`, the chain must end exactly
    there: an entry past it is bad, and a chain that stops short of it is invalid.
    """
    by_id = {key.key_id: key for key in keys}

    def expected(entry: AuditEntry) -> str | None:
        key = by_id.get(entry.key_id) if entry.key_id is not None else None
        return entry_hash(entry, key) if key is not None else None

    return check_links(entries, expected, head=head)


def check_links(
    entries: Iterable[AuditEntry],
    expected_hash: Callable[[AuditEntry], str | None],
    *,
    head: ChainHead | None = None,
) -> ChainVerification:
    """`verify_chain`'s walk, with the hash each entry should carry (None: it cannot be
    checked) computed by `expected_hash`."""
    count = 0
    expected_seq, prev_hash = 1, GENESIS_HASH
    chain_key = head.chain_key if head is not None else None
    last = None
    first_bad = None
    for entry in entries:
        count += 1
        if first_bad is not None:
            continue
        if chain_key is None:
            chain_key = entry.chain_key
        sound = (
            entry.chain_key == chain_key
            and entry.seq == expected_seq
            and entry.prev_hash == prev_hash
            and entry.hash == expected_hash(entry)
            and (head is None or entry.seq <= head.seq)
        )
        if not sound:
            first_bad = entry.id
            continue
        expected_seq, prev_hash, last = entry.seq + 1, entry.hash, entry
    if first_bad is not None:
        return ChainVerification(False, count, first_bad)
    if head is not None:
        if head.seq != expected_seq - 1:
            return ChainVerification(False, count, None)
        if head.hash != prev_hash:
            # The last entry is whole but not the one the head recorded: it was rewritten.
            return ChainVerification(False, count, last.id if last is not None else None)
    return ChainVerification(True, count, None)
