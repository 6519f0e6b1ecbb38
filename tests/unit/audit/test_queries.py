"""Reading and verifying the logs through the use cases, on fakes."""

import uuid

import attrs
import pytest

from taskhub.contexts.audit.application.ports import AuditFilter
from taskhub.contexts.audit.domain.chain import entry_hash
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.contexts.audit.public import AuditEntryView, EntityHistory
from taskhub.shared_kernel.acting import ActorType
from taskhub.shared_kernel.errors import PermissionDenied, ValidationFailed
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.principal import Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.contracts.audit import KEY
from tests.unit.audit.conftest import START, Audit, actor, as_user


def test_admins_and_owners_read_the_orgs_log_newest_first(audit: Audit) -> None:
    org_id = uuid.uuid4()
    audit.record([audit.renamed(org_id, new=name) for name in ("a", "b", "c")])
    audit.record([audit.renamed(uuid.uuid4(), new="elsewhere")])
    for role in (Role.ADMIN, Role.OWNER):
        page = audit.log.org_log(actor(org_id, role), AuditFilter(), PageRequest())
        assert [e.changes["name"][1] for e in page.items] == ["c", "b", "a"]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MEMBER])
def test_members_below_admin_may_not_read_or_verify_the_log(audit: Audit, role: Role) -> None:
    org_id = uuid.uuid4()
    with pytest.raises(PermissionDenied):
        audit.log.org_log(actor(org_id, role), AuditFilter(), PageRequest())
    with pytest.raises(PermissionDenied):
        audit.log.verify_org(actor(org_id, role))


def test_a_time_window_must_not_be_empty(audit: Audit) -> None:
    criteria = AuditFilter(since=START, until=START)
    with pytest.raises(ValidationFailed) as raised:
        audit.log.org_log(actor(uuid.uuid4(), Role.ADMIN), criteria, PageRequest())
    assert [e.field for e in raised.value.errors] == ["until"]


def test_verifying_an_untouched_log(audit: Audit) -> None:
    org_id = uuid.uuid4()
    admin = actor(org_id, Role.ADMIN)
    assert audit.log.verify_org(admin) == (True, 0, None)
    audit.record([audit.renamed(org_id) for _ in range(3)])
    audit.record([audit.renamed(org_id)])
    assert audit.log.verify_org(admin) == (True, 4, None)


def test_verifying_finds_an_edited_entry(audit: Audit) -> None:
    org_id = uuid.uuid4()
    audit.record([audit.renamed(org_id) for _ in range(3)])
    chain = audit.store.entries[ChainKey.org(org_id)]
    chain[1] = attrs.evolve(chain[1], changes={"name": ("Old", "Forged")})
    assert audit.log.verify_org(actor(org_id, Role.ADMIN)) == (False, 3, chain[1].id)


def test_verifying_finds_entries_cut_off_the_end(audit: Audit) -> None:
    org_id = uuid.uuid4()
    audit.record([audit.renamed(org_id) for _ in range(3)])
    del audit.store.entries[ChainKey.org(org_id)][2]
    assert audit.log.verify_org(actor(org_id, Role.ADMIN)) == (False, 2, None)


def test_verifying_finds_a_rewritten_last_entry(audit: Audit) -> None:
    org_id = uuid.uuid4()
    audit.record([audit.renamed(org_id) for _ in range(2)])
    chain = audit.store.entries[ChainKey.org(org_id)]
    forged = attrs.evolve(chain[1], action="widget.deleted")
    chain[1] = attrs.evolve(forged, hash=entry_hash(forged, KEY))
    assert audit.log.verify_org(actor(org_id, Role.ADMIN)) == (False, 2, chain[1].id)


def test_verifying_finds_entries_whose_head_is_gone(audit: Audit) -> None:
    org_id = uuid.uuid4()
    audit.record([audit.renamed(org_id)])
    del audit.store.heads[ChainKey.org(org_id)]
    first = audit.store.entries[ChainKey.org(org_id)][0]
    assert audit.log.verify_org(actor(org_id, Role.ADMIN)) == (False, 1, first.id)


def test_the_security_log_is_the_callers_own(audit: Audit) -> None:
    me, someone = uuid.uuid4(), uuid.uuid4()
    audit.record([audit.signed_in(me), audit.signed_in(someone), audit.signed_in(me)])
    principal = Principal(kind=PrincipalKind.USER, user_id=me)
    page = audit.log.security_log(principal, PageRequest(limit=1))
    assert [e.chain_key for e in page.items] == [ChainKey.user(me)]
    rest = audit.log.security_log(principal, PageRequest(after=page.next_after))
    assert [e.seq for e in page.items + rest.items] == [2, 1]
    assert all(e.entity_id == me for e in page.items + rest.items)


def test_api_keys_have_no_security_log(audit: Audit) -> None:
    key = Principal(
        kind=PrincipalKind.API_KEY,
        user_id=uuid.uuid4(),
        api_key_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        role=Role.OWNER,
    )
    with pytest.raises(PermissionDenied):
        audit.log.security_log(key, PageRequest())


def test_an_entitys_history_is_its_entries_newest_first(audit: Audit) -> None:
    org_id, widget, user = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    audit.record(
        [
            audit.renamed(org_id, widget, new="one"),
            audit.renamed(org_id, new="another widget"),
            audit.renamed(org_id, widget, new="two"),
        ],
        as_user(user, ip="203.0.113.9"),
    )
    audit.record([audit.renamed(uuid.uuid4(), widget, new="same id, other org")])
    history: EntityHistory = audit.history
    page = history.history(org_id, "widget", widget, PageRequest(limit=1))
    assert len(page.items) == 1
    rest = history.history(org_id, "widget", widget, PageRequest(after=page.next_after))
    views = page.items + rest.items
    assert [v.changes["name"][1] for v in views] == ["two", "one"]
    assert rest.next_after is None
    view = views[0]
    assert isinstance(view, AuditEntryView)
    assert (view.actor_type, view.actor_id, view.ip) == (ActorType.USER, user, "203.0.113.9")
    assert (view.action, view.entity_type, view.entity_id) == ("widget.renamed", "widget", widget)
    assert history.history(org_id, "task", widget, PageRequest()).items == []
