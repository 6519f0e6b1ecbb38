"""Building blocks for the tests that need work items (work, notifications, concurrency):
an organization with one user per role, its projects, labels and tasks, all made through
HTTP."""

import urllib.parse
import uuid
from typing import Any

import attrs
from falcon import testing

from tests.integration.world import API, User, add_member, create_org, problem, register

TASK_FIELDS = {
    "id",
    "project_id",
    "number",
    "key",
    "title",
    "description",
    "status",
    "priority",
    "due_at",
    "parent_id",
    "assignee_ids",
    "label_ids",
    "created_by",
    "created_at",
    "updated_at",
    "version",
    "state_id",
    "rank",
    "estimate",
    "start_at",
    "cycle_id",
    "milestone_id",
}
PROJECT_FIELDS = {
    "id",
    "key",
    "name",
    "description",
    "status",
    "created_at",
    "updated_at",
    "version",
}


@attrs.frozen
class Org:
    """An organization with an owner, an admin, a member and a viewer."""

    client: testing.TestClient
    id: str
    owner: User
    admin: User
    member: User
    viewer: User

    @property
    def base(self) -> str:
        return f"{API}/orgs/{self.id}"

    def url(self, path: str = "") -> str:
        return f"{self.base}{path}"

    # raw requests -------------------------------------------------------------------------
    def get(
        self, path: str, by: User | None = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> testing.Result:
        return self.client.simulate_get(
            self.url(path), headers={**(by or self.member).auth, **(headers or {})}, **kw
        )

    def post(
        self,
        path: str,
        body: Any = None,
        by: User | None = None,
        headers: dict[str, str] | None = None,
    ) -> testing.Result:
        return self.client.simulate_post(
            self.url(path), json=body, headers={**(by or self.member).auth, **(headers or {})}
        )

    def patch(
        self, path: str, body: Any, by: User | None = None, headers: dict[str, str] | None = None
    ) -> testing.Result:
        return self.client.simulate_patch(
            self.url(path), json=body, headers={**(by or self.member).auth, **(headers or {})}
        )

    def delete(
        self, path: str, by: User | None = None, headers: dict[str, str] | None = None
    ) -> testing.Result:
        return self.client.simulate_delete(
            self.url(path), headers={**(by or self.member).auth, **(headers or {})}
        )

    # resources ----------------------------------------------------------------------------
    def project(self, key: str | None = None, **fields: Any) -> dict[str, Any]:
        key = key or "P" + uuid.uuid4().hex[:6].upper()
        body = {"name": f"Project {key}", "key": key, **fields}
        result = self.post("/projects", body, by=self.admin)
        assert result.status_code == 201, result.text
        project: dict[str, Any] = result.json
        return project

    def label(self, name: str | None = None, color: str = "#1f6feb") -> dict[str, Any]:
        result = self.post(
            "/labels", {"name": name or f"label-{uuid.uuid4().hex[:6]}", "color": color}
        )
        assert result.status_code == 201, result.text
        label: dict[str, Any] = result.json
        return label

    def task(self, project: dict[str, Any], title: str = "A task", **fields: Any) -> dict[str, Any]:
        result = self.post("/tasks", {"project_id": project["id"], "title": title, **fields})
        assert result.status_code == 201, result.text
        task: dict[str, Any] = result.json
        return task

    def tasks(self, query: str = "", by: User | None = None) -> list[dict[str, Any]]:
        """Every task the list returns for `query`, following the cursor to the end."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params = query + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            result = self.get("/tasks", by=by, query_string=params.lstrip("&"))
            assert result.status_code == 200, result.text
            items.extend(result.json["items"])
            cursor = result.json["next_cursor"]
            if cursor is None:
                return items

    def titles(self, query: str = "") -> list[str]:
        return [t["title"] for t in self.tasks(query)]


def make_org(client: testing.TestClient) -> Org:
    owner = register(client, "owner")
    org = create_org(client, owner)
    users = {}
    for role in ("admin", "member", "viewer"):
        users[role] = register(client, role)
        add_member(client, org["id"], owner, users[role], role)
    return Org(client=client, id=org["id"], owner=owner, **users)


def fields_of(result: testing.Result) -> list[str]:
    return sorted(error["field"] for error in result.json.get("errors", []))


def invalid(result: testing.Result, *fields: str) -> dict[str, Any]:
    """A 422 validation problem naming exactly `fields`."""
    body = problem(result, 422, "validation_error")
    assert fields_of(result) == sorted(fields), body
    return body


def link_target(result: testing.Result) -> tuple[str, str]:
    """(path, query string) of the `Link: <...>; rel="next"` header."""
    link = result.headers["link"]
    assert link.endswith('>; rel="next"'), link
    target = link[1 : link.index(">")]
    path, _, query = target.partition("?")
    return path, query
