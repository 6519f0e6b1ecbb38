"""API.md §Integrations: every audited change inside an organization is an event, and
`GET /event-types` describes each one's `data` with a JSON Schema that every emitted
event satisfies (on SQLite and PostgreSQL, through the real app)."""

import uuid
from typing import Any

import jsonschema
import pytest
import sqlalchemy as sa
from dependency_injector import providers
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.integrations.adapters.sql.tables import deliveries
from taskhub.contexts.integrations.application.testing.fakes import FakeAddressResolver
from taskhub.contexts.integrations.domain.events import WebhookDisabled
from taskhub.contexts.tenancy.domain.invitation import Invitation
from taskhub.platform.messaging.tables import outbox
from taskhub.platform.settings import Settings, SettingsError, load_settings
from taskhub.shared_kernel.roles import Role
from tests.integration.attachments.conftest import upload
from tests.integration.conftest import container_for
from tests.integration.world import API, User, add_member, register
from tests.unit.integrations.hostile_targets import NAMES

HOOK = "https://public.partner.example/hook"


@pytest.fixture
def container(engine: Engine) -> ApplicationContainer:
    """The real container; webhook hosts resolve through a fake resolver, offline."""
    built = container_for(engine)
    built.integrations.resolver.override(providers.Object(FakeAddressResolver(NAMES)))
    return built


def test_event_types_need_no_credentials_and_list_every_known_type(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    result = client.simulate_get(f"{API}/event-types")
    assert result.status_code == 200, result.text
    items = result.json["items"]
    assert result.json["next_cursor"] is None
    assert {item["type"] for item in items} == container.known_event_types()
    assert len(items) == len({item["type"] for item in items})
    for item in items:
        assert set(item) == {"type", "description", "schema"}
        jsonschema.Draft202012Validator.check_schema(item["schema"])
        assert item["schema"]["type"] == "object"
    by_type = {item["type"]: item for item in items}
    assert {"task.created", "comment.deleted", "team.member_added", "member.role_changed"} <= set(
        by_type
    )
    assert "id" in by_type["label.deleted"]["schema"]["required"]


def _call(client: testing.TestClient, method: str, path: str, user: User, **kw: Any) -> Any:
    result = client.simulate_request(method, path, headers=user.auth, **kw)
    assert result.status_code < 300, (method, path, result.text)
    return result.json


def _do_everything(client: testing.TestClient, owner: User, org_id: str) -> None:
    """One of every change an organization can go through over HTTP."""
    org = f"{API}/orgs/{org_id}"
    bob = register(client, "bob")
    add_member(client, org_id, owner, bob, "viewer")
    _call(client, "PATCH", f"{org}/members/{bob.id}", owner, json={"role": "member"})
    team = _call(client, "POST", f"{org}/teams", owner, json={"name": "Core", "description": ""})
    _call(client, "PATCH", f"{org}/teams/{team['id']}", owner, json={"name": "Platform"})
    member = f"{org}/teams/{team['id']}/members/{bob.id}"
    _call(client, "PUT", member, owner, json={"role": "member"})
    _call(client, "PUT", member, owner, json={"role": "lead"})
    _call(client, "DELETE", member, owner)
    _call(client, "DELETE", f"{org}/teams/{team['id']}", owner)
    project = _call(client, "POST", f"{org}/projects", owner, json={"name": "P", "key": "PR"})
    _call(client, "PATCH", f"{org}/projects/{project['id']}", owner, json={"name": "Q"})
    label = _call(client, "POST", f"{org}/labels", owner, json={"name": "bug", "color": "#ff0000"})
    _call(client, "PATCH", f"{org}/labels/{label['id']}", owner, json={"name": "defect"})
    new_task = {"project_id": project["id"], "title": "T", "label_ids": [label["id"]]}
    task = _call(client, "POST", f"{org}/tasks", owner, json=new_task)
    other = _call(client, "POST", f"{org}/tasks", owner, json={**new_task, "title": "U"})
    _call(client, "PATCH", f"{org}/tasks/{task['id']}", owner, json={"priority": "high"})
    _call(client, "POST", f"{org}/tasks/{task['id']}/move", owner, json={"after_id": other["id"]})
    plan = f"{org}/projects/{project['id']}"
    state = _call(client, "POST", f"{plan}/states", owner, json={"name": "QA", "category": "todo"})
    _call(client, "PATCH", f"{plan}/states/{state['id']}", owner, json={"name": "Testing"})
    _call(client, "DELETE", f"{plan}/states/{state['id']}", owner)
    sprint = {"name": "S1", "starts_on": "2026-01-01", "ends_on": "2026-01-14"}
    cycle = _call(client, "POST", f"{plan}/cycles", owner, json=sprint)
    _call(client, "PATCH", f"{plan}/cycles/{cycle['id']}", owner, json={"name": "Sprint 1"})
    complete = f"{plan}/cycles/{cycle['id']}/complete"
    _call(client, "POST", complete, owner, json={"move_open_to": None})
    spare = {"name": "S2", "starts_on": "2026-02-01", "ends_on": "2026-02-14"}
    unused = _call(client, "POST", f"{plan}/cycles", owner, json=spare)
    _call(client, "DELETE", f"{plan}/cycles/{unused['id']}", owner)
    milestone = _call(client, "POST", f"{plan}/milestones", owner, json={"name": "v1"})
    _call(client, "PATCH", f"{plan}/milestones/{milestone['id']}", owner, json={"name": "v1.0"})
    _call(client, "DELETE", f"{plan}/milestones/{milestone['id']}", owner)
    dependencies = f"{org}/tasks/{task['id']}/dependencies"
    _call(client, "POST", dependencies, owner, json={"depends_on_id": other["id"]})
    _call(client, "DELETE", f"{dependencies}/{other['id']}", owner)
    comments = f"{org}/tasks/{task['id']}/comments"
    comment = _call(client, "POST", comments, owner, json={"body": "hi"})
    _call(client, "PATCH", f"{comments}/{comment['id']}", owner, json={"body": "hello"})
    _call(client, "DELETE", f"{comments}/{comment['id']}", owner)
    attached = upload(client, owner, org_id, task["id"], b"hello", filename="a.txt")
    assert attached.status_code == 201, attached.text
    attachment = f"{org}/tasks/{task['id']}/attachments/{attached.json['id']}"
    _call(client, "DELETE", attachment, owner)
    _call(client, "POST", f"{attachment}/restore", owner)
    _call(client, "DELETE", f"{org}/labels/{label['id']}", owner)
    _call(client, "DELETE", f"{org}/tasks/{task['id']}", owner)
    _call(client, "POST", f"{org}/tasks/{task['id']}/restore", owner)
    _call(client, "DELETE", f"{org}/projects/{project['id']}", owner)
    _call(client, "POST", f"{org}/projects/{project['id']}/restore", owner)
    _call(client, "DELETE", f"{org}/members/{bob.id}", owner)
    invitations = f"{org}/invitations"
    invited = {"email": "carol@example.com", "role": "member"}
    invitation = _call(client, "POST", invitations, owner, json=invited)
    _call(client, "DELETE", f"{invitations}/{invitation['id']}", owner)
    hook = {"url": HOOK, "events": ["*"]}
    webhook = _call(client, "POST", f"{org}/webhooks", owner, json=hook)
    _call(client, "POST", f"{org}/webhooks/{webhook['id']}/ping", owner)


def test_every_emitted_event_validates_against_its_published_schema(
    client: testing.TestClient, container: ApplicationContainer, owner: User, org_id: str
) -> None:
    _do_everything(client, owner, org_id)
    schemas = {t.name: t.schema() for t in container.event_catalogue()}
    with container.engine().connect() as connection:
        rows = connection.execute(
            sa.select(outbox.c.event_type, outbox.c.payload).where(
                outbox.c.org_id == uuid.UUID(org_id)
            )
        ).all()
        pings = connection.execute(
            sa.select(deliveries.c.payload).where(deliveries.c.event_type == "webhook.ping")
        ).all()
    emitted = [(row.event_type, row.payload) for row in rows]
    emitted += [("webhook.ping", row.payload["data"]) for row in pings]
    disabled = WebhookDisabled(
        event_id=uuid.uuid4(),
        occurred_at=container.clock().now(),
        org_id=uuid.UUID(org_id),
        entity_id=uuid.uuid4(),
        url=HOOK,
        reason="gone",
    ).integration_event()
    emitted.append((disabled.type, dict(disabled.data)))
    # Accepting needs the token from the invitation's email; the aggregate makes the event.
    now = container.clock().now()
    accepted = Invitation.issue(
        org_id=uuid.UUID(org_id),
        email="dave@example.com",
        role=Role.MEMBER,
        token_hash="-",
        invited_by=owner.id,
        now=now,
    )
    accepted.accept(uuid.uuid4(), "dave@example.com", now)
    for event in accepted.pull_events():
        published = event.integration_event()
        assert published is not None
        emitted.append((published.type, dict(published.data)))

    unknown = {event_type for event_type, _ in emitted} - set(schemas)
    assert not unknown, f"emitted types outside the catalogue: {unknown}"
    for event_type, data in emitted:
        jsonschema.validate(data, schemas[event_type])
    never_emitted = set(schemas) - {event_type for event_type, _ in emitted}
    assert not never_emitted, f"catalogued types this test never saw: {never_emitted}"


def test_a_webhook_may_name_exactly_the_catalogued_types(
    client: testing.TestClient, owner: User, org_id: str
) -> None:
    types = [item["type"] for item in client.simulate_get(f"{API}/event-types").json["items"]]
    hooks = f"{API}/orgs/{org_id}/webhooks"
    body = {"url": HOOK, "events": types}
    assert client.simulate_post(hooks, json=body, headers=owner.auth).status_code == 201
    for wrong in ("team.member_set", "task.dependency_added", "nothing.happened"):
        body = {"url": HOOK, "events": [wrong]}
        assert client.simulate_post(hooks, json=body, headers=owner.auth).status_code == 422


def test_the_retention_setting_is_validated() -> None:
    assert load_settings({}).event_retention_days == 30
    assert load_settings({"TASKHUB_EVENT_RETENTION_DAYS": "3"}).event_retention_days == 3
    for wrong in ("0", "-1", "ten", "99999"):
        with pytest.raises(SettingsError, match="TASKHUB_EVENT_RETENTION_DAYS"):
            load_settings({"TASKHUB_EVENT_RETENTION_DAYS": wrong})
    assert Settings().event_retention.days == 30
