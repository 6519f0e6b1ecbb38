"""`?include=total` on every list, walked from the router itself (SQLite and PostgreSQL).

API.md §Conventions: every list accepts `?include=total` and then adds `"total": N`, the
exact size of the filtered set. A world with at least two items in every list is built
through HTTP; then every declared list route is paged one item at a time with
`include=total`, and the total each page reports must equal the number of items the
walk found, on every page (the cursor does not change it). A list route added later is
walked without anyone remembering to add it here: a route this world cannot fill fails.
"""

import re
from typing import Any

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import create_app, endpoints
from taskhub.platform.http.endpoints import Endpoint
from taskhub.platform.settings import RateLimit
from tests.integration.attachments.conftest import upload
from tests.integration.conftest import container_for
from tests.integration.notifications.conftest import deliver
from tests.integration.world import (
    API,
    PASSWORD,
    User,
    add_member,
    create_api_key,
    create_org,
    problem,
    register,
)

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")

FILTERED: dict[str, str] = {
    "/api/v1/admin/users": "q=member",
    "/api/v1/orgs/{org_id}/audit-log": "entity_type=task",
    "/api/v1/orgs/{org_id}/events": "types=task.*",
    "/api/v1/orgs/{org_id}/invitations": "status=pending",
    "/api/v1/orgs/{org_id}/projects": "status=active",
    "/api/v1/orgs/{org_id}/tasks": "status=todo",
    "/api/v1/users/me/notifications": "unread=true",
}
"""One filter per list that has them, to show the total counts the filtered set."""


@pytest.fixture
def container(engine: Engine) -> ApplicationContainer:
    return container_for(engine, rate_limit_auth=RateLimit(1000, 60), webhook_allow_private=True)


@pytest.fixture
def client(container: ApplicationContainer) -> testing.TestClient:
    return testing.TestClient(create_app(container))


def _ok(result: testing.Result, status: int = 201) -> Any:
    assert result.status_code == status, result.text
    return result.json


def _world(client: testing.TestClient, container: ApplicationContainer) -> dict[str, Any]:
    """At least two items in every list, and the path values and caller for each."""
    owner = register(client, "owner")
    _ok(
        client.simulate_post(
            f"{API}/auth/login", json={"email": owner.email, "password": PASSWORD}
        ),
        200,
    )
    org = create_org(client, owner)
    create_org(client, owner)
    base = f"{API}/orgs/{org['id']}"
    member = register(client, "member")
    add_member(client, org["id"], owner, member, "member")
    add_member(client, org["id"], owner, register(client, "viewer"), "viewer")
    staff = register(client, "staff")
    assert container.identity.staff().set_staff(staff.email, True) is True

    def post(path: str, body: Any, by: User = owner) -> Any:
        return _ok(client.simulate_post(f"{base}{path}", json=body, headers=by.auth))

    team = post("/teams", {"name": "Core", "description": ""})
    post("/teams", {"name": "Edge", "description": ""})
    for user in (owner, member):
        _ok(
            client.simulate_put(
                f"{base}/teams/{team['id']}/members/{user.id}",
                json={"role": "member"},
                headers=owner.auth,
            ),
            200,
        )
    for n in range(2):
        post(
            "/invitations", {"email": f"invited-{n}-{team['id'][:8]}@example.com", "role": "member"}
        )
        create_api_key(client, org["id"], owner, "viewer")
    project = post("/projects", {"name": "Engine", "key": "ENG"})
    post("/projects", {"name": "Ops", "key": "OPS"})
    task = post(
        "/tasks", {"project_id": project["id"], "title": "Parser", "assignee_ids": [str(member.id)]}
    )
    others = [post("/tasks", {"project_id": project["id"], "title": f"Task {n}"}) for n in range(3)]
    tasks = f"/tasks/{task['id']}"
    _ok(
        client.simulate_patch(f"{base}{tasks}", json={"title": "Parser v2"}, headers=owner.auth),
        200,
    )
    for other in others[:2]:
        post(f"{tasks}/dependencies", {"depends_on_id": other["id"]})
    post(f"{tasks}/comments", {"body": f"Look, <@{member.id}>"})
    post(f"{tasks}/comments", {"body": "Second"})
    for content in (b"first file", b"second file"):
        _ok(upload(client, owner, org["id"], task["id"], content))
    for name in ("bug", "ui"):
        post("/labels", {"name": name, "color": "#1f6feb"})
    cycles = f"/projects/{project['id']}/cycles"
    post(cycles, {"name": "S1", "starts_on": "2026-01-01", "ends_on": "2026-01-14"})
    post(cycles, {"name": "S2", "starts_on": "2026-01-15", "ends_on": "2026-01-28"})
    for name in ("M1", "M2"):
        post(f"/projects/{project['id']}/milestones", {"name": name})
    hook = post("/webhooks", {"url": "https://127.0.0.1:9/hook", "events": ["*"]})
    post("/webhooks", {"url": "https://127.0.0.1:9/other", "events": ["task.created"]})
    for _ in range(2):
        _ok(client.simulate_post(f"{base}/webhooks/{hook['id']}/ping", headers=owner.auth), 202)
    deliver(container)
    return {
        "params": {
            "org_id": org["id"],
            "team_id": team["id"],
            "task_id": task["id"],
            "project_id": project["id"],
            "webhook_id": hook["id"],
        },
        "callers": {"/api/v1/admin/users": staff, "/api/v1/users/me/notifications": member},
        "owner": owner,
    }


def _path(endpoint: Endpoint, params: dict[str, str]) -> str:
    return _PARAM.sub(lambda m: params[m.group(1)], endpoint.path)


def _template(endpoint: Endpoint) -> str:
    return _PARAM.sub(lambda m: "{" + m.group(1) + "}", endpoint.path)


def _walk(client: testing.TestClient, path: str, query: str, user: User) -> tuple[int, set[int]]:
    """(items found, the totals the pages reported), one item per page."""
    found, totals, cursor = 0, set(), None
    for _ in range(500):
        params = f"{query}&limit=1&include=total" + (f"&cursor={cursor}" if cursor else "")
        result = client.simulate_get(path, query_string=params.lstrip("&"), headers=user.auth)
        assert result.status_code == 200, f"{path}?{params}: {result.text}"
        found += len(result.json["items"])
        totals.add(result.json["total"])
        cursor = result.json["next_cursor"]
        if cursor is None:
            return found, totals
    raise AssertionError(f"{path}: the walk did not end")


def test_every_list_reports_the_exact_size_of_its_filtered_set(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    world = _world(client, container)
    lists = [e for e in endpoints(container) if e.paginated and e.method == "GET"]
    assert len(lists) >= 26
    failures = []
    for endpoint in lists:
        template = _template(endpoint)
        path = _path(endpoint, world["params"])
        user = world["callers"].get(template, world["owner"])
        for query in ("", FILTERED.get(template)):
            if query is None:
                continue
            found, totals = _walk(client, path, query, user)
            if totals != {found}:
                failures.append(f"{template}?{query}: walked {found}, totals {sorted(totals)}")
            elif query == "" and found < 2:
                failures.append(f"{template}: the world holds {found} items, not two")
        plain = client.simulate_get(path, headers=user.auth)
        if "total" in plain.json:
            failures.append(f"{template}: total without include=total")
    assert failures == []


def test_include_takes_only_total_once(client: testing.TestClient) -> None:
    owner = register(client, "owner")
    url = f"{API}/orgs/{create_org(client, owner)['id']}/projects"
    for query in ("include=count", "include=", "include=TOTAL", "include=total&include=total"):
        body = problem(client.simulate_get(url, query_string=query, headers=owner.auth), 422)
        assert [e["field"] for e in body["errors"]] == ["include"], query
    assert client.simulate_get(url, query_string="include=total", headers=owner.auth).json == {
        "items": [],
        "next_cursor": None,
        "total": 0,
    }


def test_openapi_declares_include_and_total_on_every_list(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    document = client.simulate_get("/openapi.json").json
    lists = [e for e in endpoints(container) if e.paginated and e.include_in_schema]
    assert lists
    for endpoint in lists:
        operation = document["paths"][_template(endpoint)][endpoint.method.lower()]
        (include,) = [p for p in operation["parameters"] if p["name"] == "include"]
        assert include["in"] == "query"
        assert include["schema"] == {"type": "string", "enum": ["total"]}
        success = operation["responses"][str(endpoint.status)]["content"]["application/json"]
        properties = success["schema"]["properties"]
        assert properties["total"]["type"] == "integer"
        assert "total" not in success["schema"]["required"]
        assert "422" in operation["responses"]
