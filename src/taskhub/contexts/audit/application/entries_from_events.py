"""Turning committed domain events into audit entries, in the committing transaction.

Every context's unit of work hands its events to the audit writer before COMMIT; the
events that have audit facts become entries of their organization's log, or of a
user's security log. Who acted, and from where, comes from the acting context.
"""

from collections.abc import Sequence

from taskhub.contexts.audit.application.ports import AuditEntryRepository
from taskhub.contexts.audit.domain.chain import LinkKey
from taskhub.contexts.audit.domain.entry import AuditEntry, EntryDraft
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.shared_kernel.acting import Acting, ActorType
from taskhub.shared_kernel.events import AuditFacts, DomainEvent


def chain_for(facts: AuditFacts) -> ChainKey:
    """The organization's log when the facts name one, else the user's security log."""
    if facts.org_id is not None:
        return ChainKey.org(facts.org_id)
    if facts.user_id is not None:
        return ChainKey.user(facts.user_id)
    raise ValueError(f"audit facts for {facts.action!r} name neither an organization nor a user")


def draft_for(event: DomainEvent, facts: AuditFacts, acting: Acting) -> EntryDraft:
    actor_id = acting.actor_id
    if actor_id is None and acting.actor_type is ActorType.USER:
        # An anonymous request (a sign-in, a failed one): the user it concerns acted.
        actor_id = facts.user_id
    return EntryDraft.create(
        occurred_at=event.occurred_at,
        actor_type=acting.actor_type,
        actor_id=actor_id,
        action=facts.action,
        entity_type=facts.entity_type,
        entity_id=facts.entity_id,
        changes=facts.changes,
        ip=acting.ip,
        user_agent=acting.user_agent,
        request_id=acting.request_id,
    )


def record_events(
    entries: AuditEntryRepository, events: Sequence[DomainEvent], acting: Acting, key: LinkKey
) -> list[AuditEntry]:
    """Append one entry per audited event, in event order within each chain, linked
    with `key` (the current one).

    Chains are appended to in key order, so two transactions that touch the same
    chains lock their heads in the same order and never deadlock.
    """
    drafts: dict[ChainKey, list[EntryDraft]] = {}
    for event in events:
        facts = event.audit_facts()
        if facts is None:
            continue
        drafts.setdefault(chain_for(facts), []).append(draft_for(event, facts, acting))
    recorded: list[AuditEntry] = []
    for chain_key in sorted(drafts):
        recorded.extend(entries.append(chain_key, drafts[chain_key], key))
    return recorded
