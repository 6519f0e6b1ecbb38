"""HEAD wherever GET is, and gzip for large bodies when the client accepts it."""

import gzip
import json
import uuid
from typing import Any

import pytest
from falcon import testing

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import endpoints as declared_endpoints
from taskhub.platform.http.compression import MIN_BYTES
from taskhub.platform.http.endpoints import openapi_path
from tests.integration.attachments.conftest import upload
from tests.integration.world import API, User, create_org, register

GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture
def owner(client: testing.TestClient) -> User:
    return register(client, "owner")


@pytest.fixture
def org_path(client: testing.TestClient, owner: User) -> str:
    return f"{API}/orgs/{create_org(client, owner)['id']}"


def _tasks(client: testing.TestClient, owner: User, org_path: str, count: int) -> list[Any]:
    project = client.simulate_post(
        f"{org_path}/projects", json={"name": "Engine", "key": "ENG"}, headers=owner.auth
    )
    assert project.status_code == 201, project.text
    tasks = []
    for n in range(count):
        made = client.simulate_post(
            f"{org_path}/tasks",
            json={"project_id": project.json["id"], "title": f"Task {n}", "description": "x" * 300},
            headers=owner.auth,
        )
        assert made.status_code == 201, made.text
        tasks.append(made.json)
    return tasks


def _same_headers(get: testing.Result, head: testing.Result, *ignored: str) -> None:
    per_request = {"x-request-id", "ratelimit", "ratelimit-policy", *ignored}
    assert {k: v for k, v in head.headers.items() if k not in per_request} == {
        k: v for k, v in get.headers.items() if k not in per_request
    }


def test_head_on_health_live_is_get_without_the_body(client: testing.TestClient) -> None:
    get = client.simulate_get("/health/live")
    head = client.simulate_head("/health/live")
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    _same_headers(get, head)


def test_every_get_route_answers_head_and_the_document_says_so(
    container: ApplicationContainer, client: testing.TestClient
) -> None:
    document = client.simulate_get("/openapi.json").json
    gets = [e for e in declared_endpoints(container) if e.method == "GET"]
    assert gets
    for endpoint in gets:
        if not endpoint.include_in_schema:
            continue
        operations = document["paths"][openapi_path(endpoint.path)]
        head = operations["head"]
        assert head["operationId"] == f"{endpoint.operation_id}_head"
        assert set(head["responses"]) == set(operations["get"]["responses"])
        assert all("content" not in r for r in head["responses"].values())
    # A route with no GET gets no HEAD.
    assert "head" not in document["paths"]["/api/v1/auth/login"]
    created = document["paths"]["/api/v1/orgs/{org_id}/tasks"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]


def test_head_on_a_resource_a_list_and_an_error(
    client: testing.TestClient, owner: User, org_path: str
) -> None:
    (task,) = _tasks(client, owner, org_path, 1)
    url = f"{org_path}/tasks/{task['id']}"
    get = client.simulate_get(url, headers=owner.auth)
    head = client.simulate_head(url, headers=owner.auth)
    assert head.status_code == 200
    assert head.content == b""
    _same_headers(get, head)
    assert head.headers["etag"] == f'"{task["version"]}"'
    conditional = client.simulate_head(
        url, headers={**owner.auth, "If-None-Match": head.headers["etag"]}
    )
    assert conditional.status_code == 304
    assert conditional.content == b""

    listed = client.simulate_head(f"{org_path}/tasks?limit=1", headers=owner.auth)
    assert listed.status_code == 200
    assert listed.content == b""
    missing = client.simulate_head(f"{org_path}/tasks/{uuid.uuid4()}", headers=owner.auth)
    assert missing.status_code == 404
    assert missing.content == b""
    assert missing.headers["content-type"] == "application/problem+json"
    anonymous = client.simulate_head(url)
    assert anonymous.status_code == 401
    assert anonymous.content == b""
    assert client.simulate_head(f"{org_path}/tasks?nope=1", headers=owner.auth).status_code == 422


def test_head_on_a_stored_file_sends_its_length_and_not_its_bytes(
    client: testing.TestClient, owner: User, org_path: str
) -> None:
    (task,) = _tasks(client, owner, org_path, 1)
    org_id = org_path.rsplit("/", 1)[1]
    made = upload(client, owner, org_id, task["id"], b"0123456789")
    assert made.status_code == 201, made.text
    url = f"{org_path}/tasks/{task['id']}/attachments/{made.json['id']}/content"
    head = client.simulate_head(url, headers=owner.auth)
    assert head.status_code == 200, head.text
    assert head.content == b""
    assert head.headers["content-length"] == "10"
    assert head.headers["accept-ranges"] == "bytes"


def test_a_large_list_is_gzipped_when_asked_and_says_it_varies(
    client: testing.TestClient, owner: User, org_path: str
) -> None:
    _tasks(client, owner, org_path, 5)
    url = f"{org_path}/tasks?limit=100"
    plain = client.simulate_get(url, headers=owner.auth)
    assert len(plain.content) > MIN_BYTES
    assert "content-encoding" not in plain.headers
    assert plain.headers["vary"] == "Accept-Encoding"

    packed = client.simulate_get(url, headers={**owner.auth, **GZIP})
    assert packed.status_code == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert packed.headers["content-type"] == "application/json"
    assert len(packed.content) < len(plain.content) / 3
    assert json.loads(gzip.decompress(packed.content)) == plain.json

    head = client.simulate_head(url, headers={**owner.auth, **GZIP})
    assert head.headers["content-length"] == str(len(packed.content))

    for refused in ("gzip;q=0", "identity", "br", "*;q=1, gzip;q=0"):
        kept = client.simulate_get(url, headers={**owner.auth, "Accept-Encoding": refused})
        assert "content-encoding" not in kept.headers, refused
    star = client.simulate_get(url, headers={**owner.auth, "Accept-Encoding": "br, *;q=0.5"})
    assert star.headers["content-encoding"] == "gzip"


def test_small_bodies_and_small_problems_go_as_they_are(
    client: testing.TestClient, owner: User, org_path: str
) -> None:
    small = client.simulate_get("/health/live", headers=GZIP)
    assert "content-encoding" not in small.headers
    assert "vary" not in small.headers
    problem = client.simulate_get(
        f"{org_path}/tasks/{uuid.uuid4()}", headers={**owner.auth, **GZIP}
    )
    assert problem.status_code == 404
    assert len(problem.content) < MIN_BYTES
    assert "content-encoding" not in problem.headers
    assert problem.json["status"] == 404


def test_a_large_problem_is_gzipped_too(
    client: testing.TestClient, owner: User, org_path: str
) -> None:
    body = {f"unknown_{n}": n for n in range(60)}
    result = client.simulate_post(f"{org_path}/projects", json=body, headers={**owner.auth, **GZIP})
    assert result.status_code == 422
    assert result.headers["content-type"] == "application/problem+json"
    assert result.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(result.content))["status"] == 422


def test_gzip_keeps_the_etag_and_conditional_requests_work(
    client: testing.TestClient, owner: User, org_path: str
) -> None:
    (task,) = _tasks(client, owner, org_path, 1)
    url = f"{org_path}/tasks/{task['id']}"
    described = client.simulate_patch(url, json={"description": "long " * 400}, headers=owner.auth)
    assert described.status_code == 200, described.text
    packed = client.simulate_get(url, headers={**owner.auth, **GZIP})
    assert packed.headers["content-encoding"] == "gzip"
    etag = packed.headers["etag"]
    assert etag == f'"{described.json["version"]}"'
    unchanged = client.simulate_get(url, headers={**owner.auth, **GZIP, "If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    written = client.simulate_patch(
        url, json={"title": "Renamed"}, headers={**owner.auth, **GZIP, "If-Match": etag}
    )
    assert written.status_code == 200
    stale = client.simulate_patch(
        url, json={"title": "Again"}, headers={**owner.auth, "If-Match": etag}
    )
    assert stale.status_code == 412


def test_the_openapi_document_is_served_gzipped(client: testing.TestClient) -> None:
    packed = client.simulate_get("/openapi.json", headers=GZIP)
    assert packed.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content))["openapi"] == "3.1.0"
