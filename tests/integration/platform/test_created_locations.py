"""`Location` on every 201: declared once per route, filled from the request and the
created body, pointing at a route that exists; followed, it finds what was created."""

import typing
import uuid
from typing import Any

import attrs
import pytest
from falcon import testing

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import endpoints as declared_endpoints
from taskhub.platform.http.endpoints import Endpoint, path_parameters
from taskhub.platform.http.locations import created_location, location_route
from tests.integration.attachments.conftest import upload
from tests.integration.world import API, User, create_org, register


def created_routes(container: ApplicationContainer) -> list[Endpoint]:
    return [e for e in declared_endpoints(container) if e.status == 201]


def _field_type(cls: Any, dotted: str) -> Any:
    """The type a dotted name reaches in an attrs class, or None if it reaches nothing."""
    for part in dotted.split("."):
        if not attrs.has(cls) or part not in attrs.fields_dict(cls):
            return None
        cls = typing.get_type_hints(cls)[part]
    return cls


def test_every_201_route_names_a_location_it_can_fill_and_that_is_routed(
    container: ApplicationContainer,
) -> None:
    endpoints = declared_endpoints(container)
    routed = {location_route(e.path) for e in endpoints}
    created = created_routes(container)
    assert len(created) >= 19
    for endpoint in created:
        template = endpoint.location_template
        assert template is not None
        names = [name for name, _ in path_parameters(template)]
        params = {name for name, _ in path_parameters(endpoint.path)}
        for name in names:
            assert name in params or _field_type(endpoint.response, name) is not None, (
                f"{endpoint.operation_id}: {template} names {name!r}, which neither its path "
                f"nor {endpoint.response.__name__} has"
            )
        target = location_route(template)
        # The resource itself, or one whose routes are all below it (a direct upload).
        assert any(path == target or path.startswith(target + "/") for path in routed), (
            f"{endpoint.operation_id}: {template} is not a route"
        )


def test_the_template_takes_the_path_first_then_the_body() -> None:
    @attrs.frozen
    class Inner:
        id: uuid.UUID

    @attrs.frozen
    class Body:
        id: str
        user: Inner

    inner = uuid.uuid4()
    body = Body(id="b", user=Inner(inner))
    assert created_location("/x/{org_id:uuid}/y/{id}", {"org_id": "o"}, body) == "/x/o/y/b"
    assert created_location("/u/{user.id}", {}, body) == f"/u/{inner}"
    with pytest.raises(KeyError, match="nope"):
        created_location("/u/{nope}", {}, body)


def _post(client: testing.TestClient, user: User, path: str, **body: Any) -> testing.Result:
    result = client.simulate_post(f"{API}{path}", json=body, headers=user.auth)
    assert result.status_code == 201, result.text
    return result


def _follow(client: testing.TestClient, user: User, result: testing.Result) -> dict[str, Any]:
    location = result.headers["location"]
    assert location.startswith(f"{API}/"), location
    found = client.simulate_get(location, headers=user.auth)
    assert found.status_code == 200, (location, found.text)
    body: dict[str, Any] = found.json
    return body


def test_following_location_finds_what_was_created(client: testing.TestClient) -> None:
    registered = client.simulate_post(
        f"{API}/auth/register",
        json={
            "email": f"o-{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse 1",
            "name": "Owner",
        },
    )
    assert registered.status_code == 201, registered.text
    assert registered.headers["location"] == f"{API}/users/me"
    owner = User(
        id=uuid.UUID(registered.json["user"]["id"]),
        email=registered.json["user"]["email"],
        token=registered.json["access_token"],
    )
    assert _follow(client, owner, registered)["id"] == str(owner.id)

    org = create_org(client, owner)
    org_path = f"/orgs/{org['id']}"
    made = _post(client, owner, "/orgs", name="Second", slug=f"s-{uuid.uuid4().hex[:8]}")
    assert made.headers["location"] == f"{API}/orgs/{made.json['id']}"
    assert _follow(client, owner, made)["id"] == made.json["id"]

    project = _post(client, owner, f"{org_path}/projects", name="Engine", key="ENG")
    assert _follow(client, owner, project)["id"] == project.json["id"]
    task = _post(client, owner, f"{org_path}/tasks", project_id=project.json["id"], title="One")
    assert task.headers["location"] == f"{API}{org_path}/tasks/{task.json['id']}"
    assert _follow(client, owner, task)["id"] == task.json["id"]
    other = _post(client, owner, f"{org_path}/tasks", project_id=project.json["id"], title="Two")

    # Through the task's key: the Location names the id, as every other URL does.
    dependency = _post(
        client, owner, f"{org_path}/tasks/ENG-1/dependencies", depends_on_id=other.json["id"]
    )
    assert dependency.headers["location"] == (
        f"{API}{org_path}/tasks/{task.json['id']}/dependencies/{other.json['id']}"
    )

    member = register(client, "member")
    added = _post(client, owner, f"{org_path}/members", email=member.email, role="member")
    assert added.headers["location"] == f"{API}{org_path}/members/{member.id}"

    team = _post(client, owner, f"{org_path}/teams", name="Core")
    assert _follow(client, owner, team)["id"] == team.json["id"]

    file = upload(client, owner, str(org["id"]), task.json["id"], b"hello")
    assert file.status_code == 201, file.text
    assert _follow(client, owner, file)["id"] == file.json["id"]

    started = _post(
        client,
        owner,
        f"{org_path}/tasks/{task.json['id']}/attachments/uploads",
        filename="big.bin",
        content_type="application/octet-stream",
        size=5,
    )
    assert started.headers["location"] == (
        f"{API}{org_path}/tasks/{task.json['id']}/attachments/uploads/{started.json['upload_id']}"
    )


def test_a_replayed_create_carries_the_same_location(
    client: testing.TestClient,
) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    headers = {**owner.auth, "Idempotency-Key": uuid.uuid4().hex}
    first = client.simulate_post(
        f"{API}/orgs/{org['id']}/projects", json={"name": "P", "key": "PRJ"}, headers=headers
    )
    again = client.simulate_post(
        f"{API}/orgs/{org['id']}/projects", json={"name": "P", "key": "PRJ"}, headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert first.headers["location"].endswith(f"/projects/{first.json['id']}")
