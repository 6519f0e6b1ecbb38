"""One meaning of `null` in every PATCH body, walked from the served document.

For each PATCH operation the document declares, and each field of its body: a field
declared nullable is cleared by `null` (the answer shows it null), and any other field
sent as `null` is a 422 naming it, with nothing written. A PATCH route added later
without a resource to try it on here fails the walk, so none is left out.
"""

from collections.abc import Callable
from typing import Any

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from tests.integration.conftest import container_for
from tests.integration.world import API, User, add_member, create_org, register

Made = dict[str, str]
"""The path parameters of one resource to PATCH, by name."""


@pytest.fixture
def container(engine: Engine) -> ApplicationContainer:
    """Webhooks may point at a local address: nothing is delivered here."""
    return container_for(engine, webhook_allow_private=True)


def _post(client: testing.TestClient, user: User, path: str, body: dict[str, Any]) -> Any:
    result = client.simulate_post(f"{API}{path}", json=body, headers=user.auth)
    assert result.status_code == 201, result.text
    return result.json


class World:
    """One organization with one of everything a PATCH can change, each field set."""

    def __init__(self, client: testing.TestClient, container: ApplicationContainer) -> None:
        self.client = client
        self.owner = register(client, "owner")
        self.member = register(client, "member")
        container.identity.staff().set_staff(self.owner.email, True)
        self.org = create_org(client, self.owner)["id"]
        add_member(client, self.org, self.owner, self.member, "member")
        org = f"/orgs/{self.org}"
        project = _post(client, self.owner, f"{org}/projects", {"name": "Eng", "key": "ENG"})
        self.project = project["id"]
        projects = f"{org}/projects/{self.project}"
        self.cycle = _post(
            client,
            self.owner,
            f"{projects}/cycles",
            {"name": "C1", "starts_on": "2030-01-01", "ends_on": "2030-01-14"},
        )["id"]
        self.milestone = _post(
            client,
            self.owner,
            f"{projects}/milestones",
            {"name": "M1", "due_on": "2030-02-01"},
        )["id"]
        self.state = _post(
            client, self.owner, f"{projects}/states", {"name": "Triage", "category": "todo"}
        )["id"]
        self.parent = _post(
            client, self.owner, f"{org}/tasks", {"project_id": self.project, "title": "Parent"}
        )["id"]
        self.task = _post(
            client,
            self.owner,
            f"{org}/tasks",
            {
                "project_id": self.project,
                "title": "Child",
                "due_at": "2030-01-05T10:00:00Z",
                "parent_id": self.parent,
                "estimate": 3,
                "start_at": "2030-01-02T10:00:00Z",
                "cycle_id": self.cycle,
                "milestone_id": self.milestone,
            },
        )["id"]
        self.comment = _post(
            client, self.owner, f"{org}/tasks/{self.task}/comments", {"body": "hi"}
        )["id"]
        self.label = _post(
            client, self.owner, f"{org}/labels", {"name": "bug", "color": "#ff0000"}
        )["id"]
        self.team = _post(client, self.owner, f"{org}/teams", {"name": "Core"})["id"]
        self.webhook = _post(
            client,
            self.owner,
            f"{org}/webhooks",
            {"url": "http://127.0.0.1:9/in", "events": ["*"]},
        )["id"]

    def resources(self) -> dict[str, Callable[[], Made]]:
        """What to PATCH for each documented PATCH path."""
        org = {"org_id": self.org}
        project = {**org, "project_id": self.project}
        return {
            "/api/v1/users/me": dict,
            "/api/v1/admin/users/{user_id}": lambda: {"user_id": str(self.member.id)},
            "/api/v1/orgs/{org_id}": lambda: org,
            "/api/v1/orgs/{org_id}/members/{user_id}": lambda: {
                **org,
                "user_id": str(self.member.id),
            },
            "/api/v1/orgs/{org_id}/teams/{team_id}": lambda: {**org, "team_id": self.team},
            "/api/v1/orgs/{org_id}/projects/{project_id}": lambda: project,
            "/api/v1/orgs/{org_id}/tasks/{task_id}": lambda: {**org, "task_id": self.task},
            "/api/v1/orgs/{org_id}/tasks/{task_id}/comments/{comment_id}": lambda: {
                **org,
                "task_id": self.task,
                "comment_id": self.comment,
            },
            "/api/v1/orgs/{org_id}/labels/{label_id}": lambda: {**org, "label_id": self.label},
            "/api/v1/orgs/{org_id}/projects/{project_id}/states/{state_id}": lambda: {
                **project,
                "state_id": self.state,
            },
            "/api/v1/orgs/{org_id}/projects/{project_id}/cycles/{cycle_id}": lambda: {
                **project,
                "cycle_id": self.cycle,
            },
            "/api/v1/orgs/{org_id}/projects/{project_id}/milestones/{milestone_id}": lambda: {
                **project,
                "milestone_id": self.milestone,
            },
            "/api/v1/orgs/{org_id}/webhooks/{webhook_id}": lambda: {
                **org,
                "webhook_id": self.webhook,
            },
        }


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _nullable(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("type") == "null" for option in options)


def _patch_bodies(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path, operations in document["paths"].items():
        patch = operations.get("patch")
        if patch is not None:
            content = patch["requestBody"]["content"]["application/json"]["schema"]
            found.append((path, _resolve(document, content)))
    return found


def test_null_clears_a_nullable_field_and_is_422_for_any_other(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    document = client.simulate_get("/openapi.json").json
    world = World(client, container)
    resources = world.resources()
    bodies = _patch_bodies(document)
    assert {path for path, _ in bodies} == set(resources), "a PATCH route to walk is missing"
    cleared: list[str] = []
    for path, schema in bodies:
        assert "provided" not in schema["properties"], path
        params = resources[path]()
        url = path.format(**params)
        for field, field_schema in schema["properties"].items():
            before = client.simulate_get(url, headers=world.owner.auth)
            result = client.simulate_patch(url, json={field: None}, headers=world.owner.auth)
            if _nullable(field_schema):
                assert result.status_code == 200, (path, field, result.text)
                assert result.json[field] is None, (path, field, result.json)
                cleared.append(f"{path}:{field}")
                continue
            assert result.status_code == 422, (path, field, result.text)
            errors = result.json["errors"]
            assert errors == [{"field": field, "message": "must not be null"}], (path, errors)
            if before.status_code == 200:  # nothing written: the same version as before
                after = client.simulate_get(url, headers=world.owner.auth)
                assert after.json == before.json, (path, field)
    # The fields a resource may be without, and only those, are declared nullable.
    assert sorted(cleared) == sorted(
        [
            *(
                f"/api/v1/orgs/{{org_id}}/tasks/{{task_id}}:{name}"
                for name in (
                    "due_at",
                    "parent_id",
                    "estimate",
                    "start_at",
                    "cycle_id",
                    "milestone_id",
                )
            ),
            "/api/v1/orgs/{org_id}/projects/{project_id}/milestones/{milestone_id}:due_on",
        ]
    )


@pytest.mark.parametrize("field", ["name", "slug"])
def test_an_organization_refuses_null_instead_of_ignoring_it(
    client: testing.TestClient, field: str
) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    result = client.simulate_patch(
        f"{API}/orgs/{org['id']}", json={field: None}, headers=owner.auth
    )
    assert result.status_code == 422, result.text
    assert result.json["errors"] == [{"field": field, "message": "must not be null"}]
    after = client.simulate_get(f"{API}/orgs/{org['id']}", headers=owner.auth).json
    assert after["version"] == org["version"]


def test_the_internal_provided_field_is_neither_declared_nor_accepted(
    client: testing.TestClient,
) -> None:
    document = client.simulate_get("/openapi.json").json
    for name, schema in document["components"]["schemas"].items():
        assert "provided" not in schema.get("properties", {}), name
    owner = register(client, "owner")
    org = create_org(client, owner)
    result = client.simulate_patch(
        f"{API}/orgs/{org['id']}", json={"provided": ["name"]}, headers=owner.auth
    )
    assert result.status_code == 422
    assert result.json["errors"] == [{"field": "provided", "message": "is not a known field"}]
