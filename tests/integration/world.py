"""Building blocks for the API tests of every context: users, organizations, members and
API keys made through the API, and the problem+json reader."""

import uuid
from typing import Any

import attrs
from falcon import testing

API = "/api/v1"
PASSWORD = "correct horse 1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@attrs.frozen
class User:
    id: uuid.UUID
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)


def register(client: testing.TestClient, name: str) -> User:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    result = client.simulate_post(
        f"{API}/auth/register", json={"email": email, "password": PASSWORD, "name": name}
    )
    assert result.status_code == 201, result.text
    body = result.json
    return User(id=uuid.UUID(body["user"]["id"]), email=email, token=body["access_token"])


def create_org(client: testing.TestClient, owner: User, slug: str | None = None) -> dict[str, Any]:
    slug = slug or f"org-{uuid.uuid4().hex[:10]}"
    result = client.simulate_post(
        f"{API}/orgs", json={"name": slug.title(), "slug": slug}, headers=owner.auth
    )
    assert result.status_code == 201, result.text
    body: dict[str, Any] = result.json
    return body


def add_member(client: testing.TestClient, org_id: str, by: User, user: User, role: str) -> None:
    result = client.simulate_post(
        f"{API}/orgs/{org_id}/members", json={"email": user.email, "role": role}, headers=by.auth
    )
    assert result.status_code == 201, result.text


def create_api_key(
    client: testing.TestClient, org_id: str, by: User, role: str, **extra: Any
) -> dict[str, Any]:
    result = client.simulate_post(
        f"{API}/orgs/{org_id}/api-keys",
        json={"name": f"{role} key", "role": role, **extra},
        headers=by.auth,
    )
    assert result.status_code == 201, result.text
    body: dict[str, Any] = result.json
    return body


def problem(result: testing.Result, status: int, code: str | None = None) -> dict[str, Any]:
    assert result.status_code == status, result.text
    assert result.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = result.json
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body
