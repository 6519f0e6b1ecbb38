"""Query strings are as strict as bodies, on every endpoint, on SQLite and PostgreSQL.

Each input here once reached the database or Python's date arithmetic and came back as
a 500; now each is a 422 naming the parameter, before any handler runs.
"""

import re
import uuid
from typing import Any

import pytest
from falcon import testing

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import endpoints
from taskhub.platform.http.endpoints import Endpoint
from tests.integration.world import API, PASSWORD, User, problem

OUT_OF_RANGE = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]


def _fill(path: str, org_id: str) -> str:
    """A concrete path: the caller's organization, a made-up id for anything else."""

    def value(match: re.Match[str]) -> str:
        return org_id if match.group(1) == "org_id" else str(uuid.uuid4())

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


def _gets(container: ApplicationContainer) -> list[Endpoint]:
    return [e for e in endpoints(container) if e.method == "GET"]


def _invalid(result: testing.Result) -> dict[str, str]:
    body = problem(result, 422, "validation_error")
    return {error["field"]: error["message"] for error in body["errors"]}


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=%C2%B2", "limit"), ("limit=%D9%A3", "limit"), ("stauts=done", "stauts")],
)
def test_every_endpoint_refuses_what_it_does_not_declare_or_cannot_read(
    client: testing.TestClient,
    container: ApplicationContainer,
    owner: User,
    org_id: str,
    query: str,
    field: str,
) -> None:
    gets = _gets(container)
    assert len(gets) > 15
    # Staff, so the operators' routes answer too (anyone else gets their 404).
    container.identity.staff().set_staff(owner.email, True)
    for endpoint in gets:
        result = client.simulate_get(
            _fill(endpoint.path, org_id), query_string=query, headers=owner.auth
        )
        assert field in _invalid(result), endpoint.path


@pytest.mark.parametrize(
    ("listing", "name"),
    [
        ("tasks", "due_before"),
        ("tasks", "due_after"),
        ("audit-log", "since"),
        ("audit-log", "until"),
    ],
)
@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_time_filters_outside_the_years_after_the_offset_are_a_422(
    client: testing.TestClient, owner: User, org_id: str, listing: str, name: str, value: str
) -> None:
    result = client.simulate_get(
        f"{API}/orgs/{org_id}/{listing}", params={name: value}, headers=owner.auth
    )
    assert _invalid(result) == {name: "must be within the years 0001 to 9999 in UTC"}


@pytest.mark.parametrize("name", ["action", "entity_type"])
def test_a_nul_in_an_audit_filter_is_a_422(
    client: testing.TestClient, owner: User, org_id: str, name: str
) -> None:
    result = client.simulate_get(
        f"{API}/orgs/{org_id}/audit-log", query_string=f"{name}=%00x", headers=owner.auth
    )
    assert _invalid(result) == {name: "must not contain the NUL character"}


def test_a_typo_in_a_filter_is_a_422_not_everything(
    client: testing.TestClient, owner: User, org_id: str
) -> None:
    result = client.simulate_get(
        f"{API}/orgs/{org_id}/tasks", query_string="stauts=done", headers=owner.auth
    )
    assert _invalid(result) == {"stauts": "is not a known query parameter"}
    result = client.simulate_get(
        f"{API}/orgs/{org_id}/tasks", query_string="sort=due_at&sort=-due_at", headers=owner.auth
    )
    assert _invalid(result) == {"sort": "must be given at most once"}


def test_filters_at_the_edges_of_the_years_still_list(
    client: testing.TestClient, owner: User, org_id: str
) -> None:
    query: dict[str, Any] = {
        "due_after": "0001-01-01T00:00:00Z",
        "due_before": "9999-12-31T23:59:59Z",
        "status": ["todo", "done"],
    }
    result = client.simulate_get(f"{API}/orgs/{org_id}/tasks", params=query, headers=owner.auth)
    assert result.status_code == 200, result.text
    result = client.simulate_get(
        f"{API}/orgs/{org_id}/audit-log",
        params={"since": "0001-01-01T00:00:00Z", "until": "9999-12-31T23:59:59Z"},
        headers=owner.auth,
    )
    assert result.status_code == 200, result.text
    assert result.json["items"]


@pytest.mark.parametrize("limit", ["0", "101", "500", "-1", "²"])
def test_the_session_list_refuses_a_limit_out_of_range(
    client: testing.TestClient, owner: User, limit: str
) -> None:
    result = client.simulate_get(
        f"{API}/users/me/sessions", params={"limit": limit}, headers=owner.auth
    )
    assert _invalid(result) == {"limit": "must be a whole number from 1 to 100"}


def test_the_session_list_pages_newest_first(client: testing.TestClient, owner: User) -> None:
    for _ in range(2):
        signed_in = client.simulate_post(
            f"{API}/auth/login", json={"email": owner.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
    newest = {"Authorization": f"Bearer {signed_in.json['access_token']}"}
    seen: list[dict[str, Any]] = []
    params: dict[str, str] = {"limit": "1"}
    for _ in range(4):
        result = client.simulate_get(f"{API}/users/me/sessions", params=params, headers=newest)
        assert result.status_code == 200, result.text
        assert len(result.json["items"]) == 1
        seen.extend(result.json["items"])
        if result.json["next_cursor"] is None:
            assert "Link" not in result.headers
            break
        assert 'rel="next"' in result.headers["Link"]
        params = {"limit": "1", "cursor": result.json["next_cursor"]}
    assert len(seen) == 3
    assert len({item["id"] for item in seen}) == 3
    assert [item["current"] for item in seen] == [True, False, False]
    created = [item["created_at"] for item in seen]
    assert created == sorted(created, reverse=True)
