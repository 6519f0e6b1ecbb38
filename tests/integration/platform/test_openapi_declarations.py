"""The document declares what the pipeline does around each handler.

Read from the served document: the headers every operation takes and sets, the statuses
the pipeline can add, each list's filters with their types, and the links from creates.
"""

from typing import Any

import pytest
from falcon import testing

from taskhub.platform.http.cursors import CURSOR_PATTERN


@pytest.fixture
def document(client: testing.TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.simulate_get("/openapi.json").json
    return body


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def _headers(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def _query(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def test_every_authenticated_operation_declares_429_and_the_rate_limit_headers(
    document: dict[str, Any],
) -> None:
    for method, path, operation in _operations(document):
        if not operation["security"]:
            continue
        responses = operation["responses"]
        assert "429" in responses, (method, path)
        assert "Retry-After" in responses["429"]["headers"], (method, path)
        assert "WWW-Authenticate" in responses["401"]["headers"], (method, path)
        for status, response in responses.items():
            assert {"RateLimit", "RateLimit-Policy"} <= set(response.get("headers", {})), (
                method,
                path,
                status,
            )


def test_conditional_requests_are_declared_where_they_are_honoured(
    document: dict[str, Any],
) -> None:
    task = document["paths"]["/api/v1/orgs/{org_id}/tasks/{task_id}"]
    assert "If-None-Match" in _headers(task["get"])
    assert "304" in task["get"]["responses"]
    assert "ETag" in task["get"]["responses"]["200"]["headers"]
    for method in ("patch", "delete"):
        assert "If-Match" in _headers(task[method])
        assert "412" in task[method]["responses"]
    assert "ETag" in task["patch"]["responses"]["200"]["headers"]
    # A list is not versioned: no If-None-Match there, but a Link to the next page.
    tasks = document["paths"]["/api/v1/orgs/{org_id}/tasks"]
    assert "If-None-Match" not in _headers(tasks["get"])
    assert "Link" in tasks["get"]["responses"]["200"]["headers"]
    assert "Idempotency-Key" in _headers(tasks["post"])
    assert "Location" in tasks["post"]["responses"]["201"]["headers"]


def test_the_task_list_declares_every_filter_and_the_sort(document: dict[str, Any]) -> None:
    query = _query(document["paths"]["/api/v1/orgs/{org_id}/tasks"]["get"])
    assert set(query) >= {
        "project_id",
        "status",
        "priority",
        "assignee_id",
        "label_id",
        "parent_id",
        "due_before",
        "due_after",
        "q",
        "state_id",
        "cycle_id",
        "milestone_id",
        "sort",
        "limit",
        "cursor",
    }
    assert query["status"]["schema"]["type"] == "array"
    assert query["status"]["style"] == "form"
    assert query["status"]["explode"] is True
    assert "in_progress" in query["status"]["schema"]["items"]["enum"]
    assert "-priority" in query["sort"]["schema"]["enum"]
    assert query["due_before"]["schema"]["format"] == "date-time"
    assert query["assignee_id"]["schema"]["format"] == "uuid"
    assert query["q"]["schema"]["maxLength"] > 0
    assert query["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
    }
    assert query["cursor"]["schema"]["pattern"] == CURSOR_PATTERN


def test_every_list_declares_its_page_parameters(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        schema = (
            operation["responses"]
            .get("200", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema", {})
        )
        if "next_cursor" in schema.get("properties", {}):
            assert {"limit", "cursor"} <= set(_query(operation)), (method, path)


def test_creates_link_to_what_they_made(document: dict[str, Any]) -> None:
    created = document["paths"]["/api/v1/orgs/{org_id}/projects"]["post"]["responses"]["201"]
    links = created["links"]
    assert set(links) == {"get_project", "update_project", "delete_project"}
    assert links["get_project"]["parameters"] == {
        "org_id": "$request.path.org_id",
        "project_id": "$response.body#/id",
    }
    org = document["paths"]["/api/v1/orgs"]["post"]["responses"]["201"]["links"]
    assert org["get_org"]["parameters"] == {"org_id": "$response.body#/id"}
    operation_ids = {o["operationId"] for _, _, o in _operations(document)}
    for _, _, operation in _operations(document):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                assert link["operationId"] in operation_ids


def test_rules_that_no_schema_keyword_holds_are_described(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    password = schemas["RegisterRequest"]["properties"]["password"]
    assert "letter" in password["description"]
    assert "digit" in password["description"]
    assert "https" in schemas["CreateWebhookRequest"]["properties"]["url"]["description"]
    assert "https" in schemas["UpdateWebhookRequest"]["properties"]["url"]["description"]
    assert "NUL" in document["info"]["description"]
