"""Lengths hold after normalisation: a name whose lower-cased form outgrows its column
is a 422, on SQLite and PostgreSQL, never a 500 from the database.

"İ" (U+0130) lower-cases to two characters, "i" and a combining dot.
"""

import pytest
from falcon import testing

from tests.integration.world import API, PASSWORD, User, problem

DOTTED = "\u0130"


def _invalid(result: testing.Result) -> dict[str, str]:
    body = problem(result, 422, "validation_error")
    return {error["field"]: error["message"] for error in body["errors"]}


@pytest.mark.parametrize("count", [150, 200])
@pytest.mark.parametrize(
    ("collection", "extra"), [("labels", {"color": "#1f6feb"}), ("teams", {"description": ""})]
)
def test_a_name_too_long_once_lower_cased_is_a_422(
    client: testing.TestClient,
    owner: User,
    org_id: str,
    collection: str,
    extra: dict[str, str],
    count: int,
) -> None:
    url = f"{API}/orgs/{org_id}/{collection}"
    result = client.simulate_post(url, json={"name": DOTTED * count, **extra}, headers=owner.auth)
    assert _invalid(result) == {"name": "must be at most 200 characters once lower-cased"}
    made = client.simulate_post(url, json={"name": DOTTED * 100, **extra}, headers=owner.auth)
    assert made.status_code == 201, made.text
    assert made.json["name"] == DOTTED * 100
    renamed = client.simulate_patch(
        f"{url}/{made.json['id']}", json={"name": DOTTED * count}, headers=owner.auth
    )
    assert _invalid(renamed) == {"name": "must be at most 200 characters once lower-cased"}
    taken = client.simulate_post(url, json={"name": "i\u0307" * 100, **extra}, headers=owner.auth)
    assert taken.status_code == 409, taken.text


def test_an_email_too_long_once_lower_cased_is_a_422(client: testing.TestClient) -> None:
    body = {"email": DOTTED * 200 + "@example.com", "password": PASSWORD, "name": "Dot"}
    result = client.simulate_post(f"{API}/auth/register", json=body)
    assert _invalid(result) == {"email": "must be at most 254 characters once lower-cased"}
    body["email"] = DOTTED * 100 + "@example.com"
    result = client.simulate_post(f"{API}/auth/register", json=body)
    assert result.status_code == 201, result.text
    again = client.simulate_post(
        f"{API}/auth/register", json={**body, "email": "i\u0307" * 100 + "@EXAMPLE.com"}
    )
    assert again.status_code == 409, again.text
