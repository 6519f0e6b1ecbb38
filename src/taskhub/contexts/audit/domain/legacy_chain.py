"""Chains written before they were keyed, and their one-way move to keyed links.

Until migration 0010 an entry's hash was plain SHA-256 (no key, no `key_id`), which
anyone who can write the database can recompute. The migration checks each such chain
by those old rules and, only if it holds, links it again with the current key
(`relink`), so from then on every entry verifies only with a key the database does not
hold. A chain that fails the old check is left as it is, and `verify_chain` keeps
reporting it: relinking it would launder the tampering.
"""

import hashlib
from collections.abc import Iterable, Sequence

import attrs

from taskhub.contexts.audit.domain.chain import (
    GENESIS_HASH,
    ChainHead,
    ChainVerification,
    LinkKey,
    canonical_json,
    check_links,
    hashable_fields,
)
from taskhub.contexts.audit.domain.entry import AuditEntry, EntryDraft


def legacy_hash(entry: AuditEntry) -> str:
    fields = hashable_fields(entry.chain_key, entry.seq, entry, None)
    return hashlib.sha256(canonical_json(fields) + entry.prev_hash.encode("ascii")).hexdigest()


def verify_legacy_chain(
    entries: Iterable[AuditEntry], *, head: ChainHead | None = None
) -> ChainVerification:
    """The check as it was before keys: every entry unkeyed, plain SHA-256 links."""
    return check_links(entries, lambda e: legacy_hash(e) if e.key_id is None else None, head=head)


def relink(entries: Sequence[AuditEntry], key: LinkKey) -> tuple[list[AuditEntry], ChainHead]:
    """The same entries (a whole chain, oldest first, as `verify_legacy_chain` passed
    it) linked again with `key`; and the head after them."""
    if not entries:
        raise ValueError("an empty chain has nothing to relink")
    head = ChainHead(entries[0].chain_key, 0, GENESIS_HASH)
    relinked = []
    for entry in entries:
        linked, head = head.append(_as_draft(entry), key)
        relinked.append(linked)
    return relinked, head


def _as_draft(entry: AuditEntry) -> EntryDraft:
    """What the entry says, without its place in the chain."""
    return EntryDraft(
        **{field.name: getattr(entry, field.name) for field in attrs.fields(EntryDraft)}
    )
