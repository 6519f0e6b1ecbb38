"""API.md §Audit through HTTP on the real container (SQLite and PostgreSQL).

Entries are produced by the container's own audit writer from synthetic events, so
these tests do not depend on what other contexts audit. Where other contexts' entries
may share a log, the tests look only at their own (`entity_type=gadget`, known ids).
"""

import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.audit.adapters.sql.tables import audit_entries
from taskhub.platform.acting import acting_as
from taskhub.shared_kernel.acting import Acting, ActorType
from taskhub.shared_kernel.events import DomainEvent
from tests.integration.audit.events import account_touched, commit_events, gadget_changed
from tests.integration.world import (
    API,
    User,
    add_member,
    bearer,
    create_api_key,
    create_org,
    problem,
    register,
)

ENTRY_FIELDS = {
    "id",
    "occurred_at",
    "actor_type",
    "actor_id",
    "action",
    "entity_type",
    "entity_id",
    "changes",
    "ip",
    "user_agent",
    "request_id",
}
T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def log_url(org_id: str, **query: str) -> str:
    url = f"{API}/orgs/{org_id}/audit-log"
    return f"{url}?{urllib.parse.urlencode(query)}" if query else url


def write(
    container: ApplicationContainer,
    events: list[DomainEvent],
    actor: User | None = None,
    **origin: Any,
) -> None:
    acting = Acting(
        actor_type=ActorType.USER if actor else ActorType.SYSTEM,
        actor_id=actor.id if actor else None,
        **origin,
    )
    with acting_as(acting):
        commit_events(container.engine(), events, container.audit.writer())


@pytest.fixture
def owner(client: testing.TestClient) -> User:
    return register(client, "owner")


@pytest.fixture
def org(client: testing.TestClient, owner: User) -> dict[str, Any]:
    return create_org(client, owner)


def gadget_ids(result: testing.Result) -> list[str]:
    assert result.status_code == 200, result.text
    return [item["entity_id"] for item in result.json["items"]]


def test_admins_read_the_log_newest_first(
    client: testing.TestClient,
    container: ApplicationContainer,
    owner: User,
    org: dict[str, Any],
) -> None:
    org_id = uuid.UUID(org["id"])
    admin = register(client, "admin")
    add_member(client, org["id"], owner, admin, "admin")
    gadgets = [uuid.uuid4() for _ in range(3)]
    write(
        container,
        [
            gadget_changed(
                org_id,
                gadget_id=g,
                occurred_at=T0 + timedelta(minutes=n),
                changes={"name": (f"v{n}", f"v{n + 1}"), "password": ("a", "b")},
            )
            for n, g in enumerate(gadgets)
        ],
        owner,
        ip="203.0.113.7",
        user_agent="tests",
        request_id="req-1",
    )
    for reader in (owner, admin):
        result = client.simulate_get(log_url(org["id"], entity_type="gadget"), headers=reader.auth)
        assert gadget_ids(result) == [str(g) for g in reversed(gadgets)]
        assert result.headers["cache-control"] == "no-store"
    newest = result.json["items"][0]
    assert set(newest) == ENTRY_FIELDS
    assert newest == {
        "id": newest["id"],
        "occurred_at": "2026-11-22T10:02:00Z",
        "actor_type": "user",
        "actor_id": str(owner.id),
        "action": "gadget.changed",
        "entity_type": "gadget",
        "entity_id": str(gadgets[2]),
        "changes": {"name": ["v2", "v3"], "password": ["[redacted]", "[redacted]"]},
        "ip": "203.0.113.7",
        "user_agent": "tests",
        "request_id": "req-1",
    }
    assert result.json["next_cursor"] is None


def test_each_filter(
    client: testing.TestClient, container: ApplicationContainer, owner: User, org: dict[str, Any]
) -> None:
    org_id = uuid.UUID(org["id"])
    other = register(client, "other")
    g1, g2, g3 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    write(
        container,
        [
            gadget_changed(org_id, gadget_id=g1, occurred_at=T0, action="gadget.created"),
            gadget_changed(org_id, gadget_id=g1, occurred_at=T0 + timedelta(hours=1)),
        ],
        owner,
    )
    write(
        container,
        [
            gadget_changed(org_id, gadget_id=g2, occurred_at=T0 + timedelta(hours=2)),
            gadget_changed(
                org_id, gadget_id=g3, occurred_at=T0 + timedelta(hours=3), entity_type="doohickey"
            ),
        ],
        other,
    )

    def listed(**query: str) -> list[str]:
        return gadget_ids(client.simulate_get(log_url(org["id"], **query), headers=owner.auth))

    assert listed(actor_id=str(other.id)) == [str(g3), str(g2)]
    assert listed(actor_id=str(owner.id), entity_type="gadget") == [str(g1), str(g1)]
    assert listed(action="gadget.created") == [str(g1)]
    assert listed(entity_type="doohickey") == [str(g3)]
    assert listed(entity_id=str(g1)) == [str(g1), str(g1)]
    assert listed(entity_id=str(uuid.uuid4())) == []
    assert listed(entity_type="gadget", since="2026-11-22T11:00:00Z") == [str(g2), str(g1)]
    assert listed(entity_type="gadget", until="2026-11-22T11:00:00Z") == [str(g1)]
    assert listed(
        entity_type="gadget", since="2026-11-22T11:00:00+01:00", until="2026-11-22T12:00:00.000001Z"
    ) == [
        str(g2),
        str(g1),
        str(g1),
    ]
    assert listed(actor_id=str(owner.id), action="gadget.changed", entity_id=str(g1)) == [str(g1)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("actor_id=not-a-uuid", "actor_id"),
        ("entity_id=123", "entity_id"),
        ("since=yesterday", "since"),
        ("until=2026-11-22T10:00:00", "until"),
        ("since=2026-11-22T10:00:00Z&until=2026-11-22T10:00:00Z", "until"),
        (f"action={'x' * 101}", "action"),
        (f"entity_type={'x' * 65}", "entity_type"),
        (f"actor_id={uuid.UUID(int=1)}&actor_id={uuid.UUID(int=2)}", "actor_id"),
    ],
)  # fmt: skip
def test_an_invalid_filter_is_422_on_that_field(
    client: testing.TestClient, owner: User, org: dict[str, Any], query: str, field: str
) -> None:
    result = client.simulate_get(f"{log_url(org['id'])}?{query}", headers=owner.auth)
    body = problem(result, 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == [field]


def test_pagination(
    client: testing.TestClient, container: ApplicationContainer, owner: User, org: dict[str, Any]
) -> None:
    org_id = uuid.UUID(org["id"])
    gadgets = [uuid.uuid4() for _ in range(5)]
    write(container, [gadget_changed(org_id, gadget_id=g) for g in gadgets], owner)
    seen: list[str] = []
    url = log_url(org["id"], entity_type="gadget", limit="2")
    pages = 0
    while url:
        result = client.simulate_get(url, headers=owner.auth)
        seen += gadget_ids(result)
        pages += 1
        cursor = result.json["next_cursor"]
        if cursor is None:
            assert "link" not in result.headers
            break
        link = result.headers["link"]
        assert 'rel="next"' in link
        assert "entity_type=gadget" in link
        url = log_url(org["id"], entity_type="gadget", limit="2", cursor=cursor)
    assert (pages, seen) == (3, [str(g) for g in reversed(gadgets)])
    tampered = client.simulate_get(log_url(org["id"], cursor="AAAA" + "x" * 30), headers=owner.auth)
    problem(tampered, 400)
    problem(client.simulate_get(log_url(org["id"], limit="0"), headers=owner.auth), 422)


def test_roles_below_admin_get_403_and_admin_keys_read(
    client: testing.TestClient, owner: User, org: dict[str, Any]
) -> None:
    for role in ("viewer", "member"):
        user = register(client, role)
        add_member(client, org["id"], owner, user, role)
        for path in ("", "/verify"):
            result = client.simulate_get(f"{log_url(org['id'])}{path}", headers=user.auth)
            problem(result, 403, "forbidden")
    admin_key = create_api_key(client, org["id"], owner, "admin")["key"]
    viewer_key = create_api_key(client, org["id"], owner, "viewer")["key"]
    assert client.simulate_get(log_url(org["id"]), headers=bearer(admin_key)).status_code == 200
    problem(client.simulate_get(log_url(org["id"]), headers=bearer(viewer_key)), 403)
    problem(client.simulate_get(log_url(org["id"])), 401)


def test_verify_an_intact_log(
    client: testing.TestClient, container: ApplicationContainer, owner: User, org: dict[str, Any]
) -> None:
    org_id = uuid.UUID(org["id"])
    verify = f"{log_url(org['id'])}/verify"
    before = client.simulate_get(verify, headers=owner.auth)
    assert before.status_code == 200, before.text
    assert set(before.json) == {"valid", "entries", "first_bad_entry_id"}
    assert before.json["valid"] is True
    assert before.json["first_bad_entry_id"] is None
    write(container, [gadget_changed(org_id) for _ in range(3)], owner)
    write(container, [gadget_changed(org_id)], owner)
    after = client.simulate_get(verify, headers=owner.auth)
    assert after.json == {
        "valid": True,
        "entries": before.json["entries"] + 4,
        "first_bad_entry_id": None,
    }


def _tamper(engine: Engine, entry_id: uuid.UUID, changes: dict[str, Any]) -> None:
    """Edit an entry as a database superuser would, past the triggers."""
    forge = audit_entries.update().where(audit_entries.c.id == entry_id).values(changes=changes)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # DDL is transactional here: the triggers are off for this edit only.
            connection.execute(sa.text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
            connection.execute(forge)
            connection.execute(sa.text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        else:
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_delete"))
            connection.execute(forge)


def test_verify_finds_a_tampered_entry(
    client: testing.TestClient,
    container: ApplicationContainer,
    engine: Engine,
    owner: User,
    org: dict[str, Any],
) -> None:
    org_id = uuid.UUID(org["id"])
    write(
        container,
        [gadget_changed(org_id, changes={"price": (n, n + 1)}) for n in range(4)],
        owner,
    )
    listed = client.simulate_get(log_url(org["id"], entity_type="gadget"), headers=owner.auth)
    victim = listed.json["items"][2]  # the second of the four
    assert victim["changes"] == {"price": [1, 2]}
    _tamper(engine, uuid.UUID(victim["id"]), {"price": [1, 1000]})
    result = client.simulate_get(f"{log_url(org['id'])}/verify", headers=owner.auth)
    assert result.status_code == 200, result.text
    entries = len(
        client.simulate_get(log_url(org["id"], limit="100"), headers=owner.auth).json["items"]
    )
    assert result.json == {"valid": False, "entries": entries, "first_bad_entry_id": victim["id"]}
    # The forged value is what the log shows now; verify is how anyone can tell.
    listed = client.simulate_get(
        log_url(org["id"], entity_id=victim["entity_id"]), headers=owner.auth
    )
    assert listed.json["items"][0]["changes"] == {"price": [1, 1000]}


def test_the_security_log_shows_only_the_callers_own_entries(
    client: testing.TestClient, container: ApplicationContainer, org: dict[str, Any]
) -> None:
    alice, bob = register(client, "alice"), register(client, "bob")
    write(container, [account_touched(alice.id, action="user.password_changed")], alice)
    write(container, [account_touched(bob.id, action="user.sign_in_failed")])
    write(container, [gadget_changed(uuid.UUID(org["id"]))], alice)

    def own(user: User) -> list[dict[str, Any]]:
        result = client.simulate_get(f"{API}/users/me/security-log", headers=user.auth)
        assert result.status_code == 200, result.text
        items: list[dict[str, Any]] = result.json["items"]
        return items

    alices, bobs = own(alice), own(bob)
    assert alices[0]["action"] == "user.password_changed"
    assert (alices[0]["entity_id"], alices[0]["actor_id"]) == (str(alice.id), str(alice.id))
    assert bobs[0]["action"] == "user.sign_in_failed"
    assert bobs[0]["actor_type"] == "system"
    assert {e["id"] for e in alices}.isdisjoint({e["id"] for e in bobs})
    assert all(set(e) == ENTRY_FIELDS for e in alices)
    assert "gadget.changed" not in {e["action"] for e in alices}

    page = client.simulate_get(f"{API}/users/me/security-log?limit=1", headers=alice.auth)
    assert [e["id"] for e in page.json["items"]] == [alices[0]["id"]]


def test_the_security_log_is_not_for_api_keys(
    client: testing.TestClient, owner: User, org: dict[str, Any]
) -> None:
    key = create_api_key(client, org["id"], owner, "owner")["key"]
    problem(client.simulate_get(f"{API}/users/me/security-log", headers=bearer(key)), 403)
    problem(client.simulate_get(f"{API}/users/me/security-log"), 401)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_no_route_changes_or_removes_entries(
    client: testing.TestClient, owner: User, org: dict[str, Any], method: str
) -> None:
    for path in (
        log_url(org["id"]),
        f"{log_url(org['id'])}/verify",
        f"{log_url(org['id'])}/{uuid.uuid4()}",
        f"{API}/users/me/security-log",
    ):
        result = client.simulate_request(method, path, headers=owner.auth, json={})
        assert result.status_code in (404, 405), f"{method} {path}: {result.status_code}"


def test_the_openapi_document_describes_the_entry(client: testing.TestClient) -> None:
    document = client.simulate_get("/openapi.json").json
    paths = document["paths"]
    assert set(paths["/api/v1/orgs/{org_id}/audit-log"]) == {"get", "head"}
    assert set(paths["/api/v1/orgs/{org_id}/audit-log/verify"]) == {"get", "head"}
    assert set(paths["/api/v1/users/me/security-log"]) == {"get", "head"}
    entry = document["components"]["schemas"]["AuditEntryBody"]
    assert set(entry["properties"]) == ENTRY_FIELDS
    assert entry["properties"]["changes"]["type"] == "object"
    assert entry["properties"]["changes"]["additionalProperties"]["type"] == "array"
    verdict = document["components"]["schemas"]["AuditVerificationBody"]
    assert set(verdict["properties"]) == {"valid", "entries", "first_bad_entry_id"}
