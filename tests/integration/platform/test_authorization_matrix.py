"""The authorization matrix, generated from the router itself.

Every declared endpoint under /orgs/{org_id} is called by a non-member, by another
organization's API key (both must get 404, exactly as for an organization that does
not exist), and by every role below the one the endpoint declares (403). A route added
later is covered without anyone remembering to add it here.
"""

import re
import uuid
from typing import Any

import pytest
from falcon import testing

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import endpoints
from taskhub.platform.http.endpoints import Endpoint
from taskhub.shared_kernel.roles import Role
from tests.integration.world import (
    add_member,
    bearer,
    create_api_key,
    create_org,
    problem,
    register,
)

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def org_routes(container: ApplicationContainer) -> list[Endpoint]:
    return [e for e in endpoints(container) if e.org_role is not None]


def concrete_path(endpoint: Endpoint, org_id: str) -> str:
    return _PARAM.sub(
        lambda m: org_id if m.group(1) == "org_id" else str(uuid.uuid4()), endpoint.path
    )


def call(
    client: testing.TestClient, endpoint: Endpoint, org_id: str, headers: dict[str, str]
) -> Any:
    return client.simulate_request(
        endpoint.method, concrete_path(endpoint, org_id), headers=headers
    )


@pytest.fixture
def world(client: testing.TestClient) -> dict[str, Any]:
    owner = register(client, "owner")
    org = create_org(client, owner)
    members = {}
    for role in (Role.VIEWER, Role.MEMBER, Role.ADMIN):
        user = register(client, role.value)
        add_member(client, org["id"], owner, user, role.value)
        members[role] = user
    outsider = register(client, "outsider")
    other_owner = register(client, "other")
    other_org = create_org(client, other_owner)
    other_key = create_api_key(client, other_org["id"], other_owner, "admin")
    own_viewer_key = create_api_key(client, org["id"], owner, "viewer")
    return {
        "org": org,
        "owner": owner,
        "members": members,
        "outsider": outsider,
        "other_key": other_key["key"],
        "viewer_key": own_viewer_key["key"],
    }


def test_every_route_under_an_organization_declares_a_role(container: ApplicationContainer) -> None:
    unguarded = [
        f"{e.method} {e.path}"
        for e in endpoints(container)
        if e.path.startswith("/api/v1/orgs/{org_id") and e.org_role is None
    ]
    assert unguarded == []
    assert len(org_routes(container)) >= 18  # API keys and tenancy, at least


def test_non_members_and_other_orgs_keys_get_404_everywhere(
    client: testing.TestClient, container: ApplicationContainer, world: dict[str, Any]
) -> None:
    org_id = world["org"]["id"]
    missing_org = str(uuid.uuid4())
    failures = []
    for endpoint in org_routes(container):
        reference = call(client, endpoint, missing_org, world["outsider"].auth)
        for who, headers in (
            ("non-member", world["outsider"].auth),
            ("other org's API key", bearer(world["other_key"])),
        ):
            result = call(client, endpoint, org_id, headers)
            if result.status_code != 404 or result.json.get("code") != "not_found":
                failures.append(f"{endpoint.method} {endpoint.path} as {who}: {result.status_code}")
            elif {k: v for k, v in result.json.items() if k != "request_id"} != {
                k: v for k, v in reference.json.items() if k != "request_id"
            }:
                failures.append(f"{endpoint.method} {endpoint.path} as {who}: body hints existence")
    assert failures == []


def test_every_role_below_the_requirement_gets_403(
    client: testing.TestClient, container: ApplicationContainer, world: dict[str, Any]
) -> None:
    org_id = world["org"]["id"]
    failures = []
    checked = 0
    for endpoint in org_routes(container):
        assert endpoint.org_role is not None
        for role in endpoint.org_role.below():
            result = call(client, endpoint, org_id, world["members"][role].auth)
            checked += 1
            if result.status_code != 403:
                failures.append(
                    f"{endpoint.method} {endpoint.path} as {role}: {result.status_code}"
                )
        if endpoint.org_role is not Role.VIEWER:
            result = call(client, endpoint, org_id, bearer(world["viewer_key"]))
            checked += 1
            if result.status_code != 403:
                failures.append(
                    f"{endpoint.method} {endpoint.path} as viewer key: {result.status_code}"
                )
    assert failures == []
    assert checked > 20


def test_the_required_role_itself_is_let_through(
    client: testing.TestClient, container: ApplicationContainer, world: dict[str, Any]
) -> None:
    org_id = world["org"]["id"]
    users = {**world["members"], Role.OWNER: world["owner"]}
    # Deleting the organization itself goes last: it would end the world for the rest.
    routes = sorted(
        org_routes(container),
        key=lambda e: e.method == "DELETE" and e.path == "/api/v1/orgs/{org_id:uuid}",
    )
    for endpoint in routes:
        assert endpoint.org_role is not None
        result = call(client, endpoint, org_id, users[endpoint.org_role].auth)
        # Past authorization the request fails, if at all, on its own merits
        # (missing body, unknown sub-resource), never on the caller's role.
        assert result.status_code not in (401, 403), f"{endpoint.method} {endpoint.path}"
        if result.status_code == 404:
            assert problem(result, 404)["detail"] != "The organization was not found."


def test_a_deleted_organization_is_404_for_its_own_owner(
    client: testing.TestClient, world: dict[str, Any]
) -> None:
    org_id = world["org"]["id"]
    owner = world["owner"]
    assert client.simulate_delete(f"/api/v1/orgs/{org_id}", headers=owner.auth).status_code == 204
    problem(client.simulate_get(f"/api/v1/orgs/{org_id}", headers=owner.auth), 404, "not_found")
    problem(client.simulate_get(f"/api/v1/orgs/{org_id}/members", headers=owner.auth), 404)
