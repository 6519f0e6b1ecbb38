"""Committed events become entries: in the right chain, with who acted and from where."""

import uuid

import pytest

from taskhub.contexts.audit.domain.chain import ChainHead, verify_chain
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.shared_kernel.acting import Acting, ActorType
from taskhub.shared_kernel.events import AuditFacts, DomainEvent
from tests.contracts.audit import KEYS
from tests.unit.audit.conftest import Audit, Unaudited, as_user


def test_an_org_event_is_entered_in_the_orgs_log_with_the_acting_context(audit: Audit) -> None:
    org_id, user_id = uuid.uuid4(), uuid.uuid4()
    event = audit.renamed(org_id, old="Alpha", new="Beta")
    acting = as_user(user_id, ip="203.0.113.7", user_agent="curl/8", request_id="req-9")
    [entry] = audit.record([event], acting)
    assert entry.chain_key == ChainKey.org(org_id)
    assert (entry.seq, entry.occurred_at) == (1, event.occurred_at)
    assert (entry.actor_type, entry.actor_id) == (ActorType.USER, user_id)
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "widget.renamed",
        "widget",
        event.widget_id,
    )
    assert entry.changes == {"name": ("Alpha", "Beta")}
    assert (entry.ip, entry.user_agent, entry.request_id) == ("203.0.113.7", "curl/8", "req-9")
    assert audit.store.entries[ChainKey.org(org_id)] == [entry]


def test_an_account_event_goes_to_the_users_security_log(audit: Audit) -> None:
    user_id = uuid.uuid4()
    [entry] = audit.record([audit.signed_in(user_id)], as_user(user_id))
    assert entry.chain_key == ChainKey.user(user_id)


def test_an_anonymous_request_is_attributed_to_the_user_it_concerns(audit: Audit) -> None:
    user_id = uuid.uuid4()
    [entry] = audit.record([audit.signed_in(user_id)], as_user(None, ip="198.51.100.1"))
    assert (entry.actor_type, entry.actor_id, entry.ip) == (ActorType.USER, user_id, "198.51.100.1")


def test_an_anonymous_org_event_has_no_actor_id(audit: Audit) -> None:
    [entry] = audit.record([audit.renamed(uuid.uuid4())], as_user(None))
    assert (entry.actor_type, entry.actor_id) == (ActorType.USER, None)


def test_the_system_and_api_keys_act_as_themselves(audit: Audit) -> None:
    org_id, key_id = uuid.uuid4(), uuid.uuid4()
    [by_system] = audit.record([audit.renamed(org_id)], Acting())
    [by_key] = audit.record(
        [audit.renamed(org_id)], Acting(actor_type=ActorType.API_KEY, actor_id=key_id)
    )
    assert (by_system.actor_type, by_system.actor_id) == (ActorType.SYSTEM, None)
    assert (by_key.actor_type, by_key.actor_id) == (ActorType.API_KEY, key_id)


def test_events_without_audit_facts_are_not_entered(audit: Audit) -> None:
    org_id = uuid.uuid4()
    event = Unaudited(event_id=uuid.uuid4(), occurred_at=audit.at())
    assert audit.record([event]) == []
    entries = audit.record([event, audit.renamed(org_id), event])
    assert [e.seq for e in entries] == [1]


def test_one_commit_appends_to_every_chain_it_touches_in_event_order(audit: Audit) -> None:
    org_a, org_b, user = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    events: list[DomainEvent] = [
        audit.renamed(org_a, new="a1"),
        audit.signed_in(user),
        audit.renamed(org_b, new="b1"),
        audit.renamed(org_a, new="a2"),
    ]
    audit.record(events, as_user(user))
    audit.record([audit.renamed(org_a, new="a3")], as_user(user))
    chain_a = audit.store.entries[ChainKey.org(org_a)]
    assert [(e.seq, e.changes["name"][1]) for e in chain_a] == [(1, "a1"), (2, "a2"), (3, "a3")]
    assert [e.seq for e in audit.store.entries[ChainKey.org(org_b)]] == [1]
    assert [e.seq for e in audit.store.entries[ChainKey.user(user)]] == [1]
    head = audit.store.heads[ChainKey.org(org_a)]
    assert head == ChainHead(ChainKey.org(org_a), 3, chain_a[-1].hash)
    assert verify_chain(chain_a, KEYS, head=head).valid


def test_secrets_sent_by_mistake_are_redacted(audit: Audit) -> None:
    class KeyRotated(DomainEvent):
        def audit_facts(self) -> AuditFacts:
            return AuditFacts(
                action="webhook.secret_rotated",
                entity_type="webhook",
                entity_id=uuid.UUID(int=7),
                org_id=uuid.UUID(int=8),
                changes={"secret": ("whsec_old", "whsec_new"), "Key_Hash": ("a", "b")},
            )

    [entry] = audit.record([KeyRotated(event_id=uuid.uuid4(), occurred_at=audit.at())])
    assert entry.changes == {
        "Key_Hash": ("[redacted]", "[redacted]"),
        "secret": ("[redacted]", "[redacted]"),
    }


def test_audit_facts_must_name_a_log(audit: Audit) -> None:
    class Orphan(DomainEvent):
        def audit_facts(self) -> AuditFacts:
            return AuditFacts(action="thing.done", entity_type="thing", entity_id=uuid.uuid4())

    with pytest.raises(ValueError, match="neither an organization nor a user"):
        audit.record([Orphan(event_id=uuid.uuid4(), occurred_at=audit.at())])
