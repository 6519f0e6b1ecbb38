"""API.md §Authentication through falcon.testing on the real container (SQLite and PostgreSQL)."""

import uuid
from http.cookies import SimpleCookie
from typing import Any

import pytest
from falcon import testing

from taskhub.bootstrap import ApplicationContainer

PASSWORD = "correct horse 1"
API = "/api/v1"


def register(
    client: testing.TestClient, email: str = "ada@example.com", **extra: Any
) -> testing.Result:
    body = {"email": email, "password": PASSWORD, "name": "Ada", **extra}
    return client.simulate_post(f"{API}/auth/register", json=body)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(result: testing.Result, status: int, code: str | None = None) -> dict[str, Any]:
    assert result.status_code == status, result.text
    assert result.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = result.json
    assert body["status"] == status
    assert body["request_id"] == result.headers["x-request-id"]
    if code is not None:
        assert body["code"] == code
    return body


def test_register_returns_the_user_and_a_token_pair(client: testing.TestClient) -> None:
    result = register(client, email="Ada@Example.com")
    assert result.status_code == 201
    body = result.json
    assert set(body) == {"user", "access_token", "refresh_token", "token_type", "expires_in"}
    assert set(body["user"]) == {"id", "email", "name", "created_at", "email_verified"}
    assert body["user"]["email"] == "Ada@Example.com"
    assert body["user"]["created_at"].endswith("Z")
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert result.headers["cache-control"] == "no-store"
    uuid.UUID(body["user"]["id"])


def test_refresh_cookie_has_exactly_the_contract_attributes(client: testing.TestClient) -> None:
    result = register(client)
    header = next(v for k, v in result.headers.items() if k.lower() == "set-cookie")
    cookie = SimpleCookie(header)["taskhub_refresh"]
    assert cookie.value == result.json["refresh_token"]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/api/v1/auth"


def test_duplicate_email_in_any_case_is_409(client: testing.TestClient) -> None:
    register(client, email="ada@example.com")
    assert_problem(register(client, email="ADA@EXAMPLE.COM"), 409, "email_taken")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "a@example.com", "password": "short1", "name": "A"}, ["password"]),
        ({"email": "a@example.com", "password": "nodigitshere", "name": "A"}, ["password"]),
        ({"email": "a@example.com", "password": "1" * 129, "name": "A"}, ["password"]),
        ({"email": "not-an-email", "password": PASSWORD, "name": "A"}, ["email"]),
        ({"email": "a@example.com", "password": PASSWORD, "name": ""}, ["name"]),
        ({"email": "a@example.com", "password": PASSWORD, "name": "x" * 201}, ["name"]),
        ({"email": "a@example.com", "password": PASSWORD}, ["name"]),
        ({"email": "a@example.com", "password": 12345678, "name": "A"}, ["password"]),
        ({"email": "a@example.com", "password": PASSWORD, "name": "A", "role": "owner"}, ["role"]),
        ({"email": "a@example.com", "password": PASSWORD, "name": "A", "id": "x"}, ["id"]),
    ],
)
def test_invalid_registrations_are_422_with_field_paths(
    client: testing.TestClient, body: dict[str, Any], fields: list[str]
) -> None:
    result = client.simulate_post(f"{API}/auth/register", json=body)
    problem = assert_problem(result, 422, "validation_error")
    assert [e["field"] for e in problem["errors"]] == fields


def test_login_is_case_insensitive_on_email(client: testing.TestClient) -> None:
    register(client)
    result = client.simulate_post(
        f"{API}/auth/login", json={"email": "ADA@example.com", "password": PASSWORD}
    )
    assert result.status_code == 200
    assert set(result.json) == {"user", "access_token", "refresh_token", "token_type", "expires_in"}


def test_wrong_password_and_unknown_email_get_the_same_401(client: testing.TestClient) -> None:
    register(client)
    wrong = client.simulate_post(
        f"{API}/auth/login", json={"email": "ada@example.com", "password": "x"}
    )
    unknown = client.simulate_post(
        f"{API}/auth/login", json={"email": "no@example.com", "password": "x"}
    )
    for result in (wrong, unknown):
        assert_problem(result, 401, "invalid_credentials")
        assert result.headers["www-authenticate"] == "Bearer"
    strip = lambda r: {k: v for k, v in r.json.items() if k != "request_id"}  # noqa: E731
    assert strip(wrong) == strip(unknown)


def test_me_needs_a_valid_token(client: testing.TestClient) -> None:
    assert_problem(client.simulate_get(f"{API}/users/me"), 401, "missing_credentials")
    assert_problem(client.simulate_get(f"{API}/users/me", headers=bearer("garbage")), 401)
    assert_problem(
        client.simulate_get(f"{API}/users/me", headers={"Authorization": "Basic abc"}), 401
    )


def test_me_shows_the_user_never_the_hash_and_is_not_cached(client: testing.TestClient) -> None:
    token = register(client).json["access_token"]
    result = client.simulate_get(f"{API}/users/me", headers=bearer(token))
    assert result.status_code == 200
    assert set(result.json) == {"id", "email", "name", "created_at", "email_verified"}
    assert result.headers["cache-control"] == "no-store"
    assert "hash" not in result.text


def test_patch_me_changes_only_the_name(client: testing.TestClient) -> None:
    token = register(client).json["access_token"]
    result = client.simulate_patch(
        f"{API}/users/me", headers=bearer(token), json={"name": "Countess"}
    )
    assert result.status_code == 200
    assert result.json["name"] == "Countess"
    assert client.simulate_get(f"{API}/users/me", headers=bearer(token)).json["name"] == "Countess"
    rejected = client.simulate_patch(
        f"{API}/users/me", headers=bearer(token), json={"name": "X", "email": "x@example.com"}
    )
    assert [e["field"] for e in assert_problem(rejected, 422)["errors"]] == ["email"]


def test_refresh_by_body_rotates_and_reuse_kills_the_family(client: testing.TestClient) -> None:
    first = register(client).json
    second = client.simulate_post(
        f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    new = second.json
    assert new["refresh_token"] != first["refresh_token"]
    assert (
        client.simulate_get(f"{API}/users/me", headers=bearer(new["access_token"])).status_code
        == 200
    )

    reuse = client.simulate_post(
        f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert_problem(reuse, 401, "invalid_refresh_token")
    # The thief's copy and the victim's newest token are both dead now.
    assert_problem(
        client.simulate_post(f"{API}/auth/refresh", json={"refresh_token": new["refresh_token"]}),
        401,
    )
    assert_problem(client.simulate_get(f"{API}/users/me", headers=bearer(new["access_token"])), 401)


def test_refresh_by_cookie(client: testing.TestClient) -> None:
    token = register(client).json["refresh_token"]
    result = client.simulate_post(
        f"{API}/auth/refresh", headers={"Cookie": f"taskhub_refresh={token}"}
    )
    assert result.status_code == 200
    assert result.json["refresh_token"] != token


def test_refresh_without_a_token_is_401(client: testing.TestClient) -> None:
    assert_problem(client.simulate_post(f"{API}/auth/refresh"), 401)
    assert_problem(client.simulate_post(f"{API}/auth/refresh", json={"refresh_token": "nope"}), 401)


def test_logout_revokes_the_session(client: testing.TestClient) -> None:
    tokens = register(client).json
    result = client.simulate_post(f"{API}/auth/logout", headers=bearer(tokens["access_token"]))
    assert result.status_code == 204
    assert_problem(
        client.simulate_post(
            f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        ),
        401,
    )
    assert_problem(
        client.simulate_get(f"{API}/users/me", headers=bearer(tokens["access_token"])), 401
    )


def test_change_password_ends_every_session(client: testing.TestClient) -> None:
    first = register(client).json
    second = client.simulate_post(
        f"{API}/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
    ).json
    wrong = client.simulate_post(
        f"{API}/auth/change-password",
        headers=bearer(first["access_token"]),
        json={"current_password": "wrong one 1", "new_password": "brand new 2"},
    )
    assert [e["field"] for e in assert_problem(wrong, 422)["errors"]] == ["current_password"]
    ok = client.simulate_post(
        f"{API}/auth/change-password",
        headers=bearer(first["access_token"]),
        json={"current_password": PASSWORD, "new_password": "brand new 2"},
    )
    assert ok.status_code == 204
    for tokens in (first, second):
        assert_problem(
            client.simulate_get(f"{API}/users/me", headers=bearer(tokens["access_token"])), 401
        )
        assert_problem(
            client.simulate_post(
                f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
            ),
            401,
        )
    login = client.simulate_post(
        f"{API}/auth/login", json={"email": "ada@example.com", "password": "brand new 2"}
    )
    assert login.status_code == 200


def test_sessions_list_and_revoke(client: testing.TestClient) -> None:
    first = register(client).json
    second = client.simulate_post(
        f"{API}/auth/login",
        json={"email": "ada@example.com", "password": PASSWORD},
        headers={"User-Agent": "second-device"},
    ).json
    listing = client.simulate_get(
        f"{API}/users/me/sessions", headers=bearer(second["access_token"])
    )
    assert listing.status_code == 200
    items = listing.json["items"]
    assert listing.json["next_cursor"] is None
    assert len(items) == 2
    assert set(items[0]) == {"id", "created_at", "last_used_at", "ip", "user_agent", "current"}
    current = [i for i in items if i["current"]]
    assert len(current) == 1
    assert current[0]["user_agent"] == "second-device"
    other = next(i for i in items if not i["current"])

    revoke = client.simulate_delete(
        f"{API}/users/me/sessions/{other['id']}", headers=bearer(second["access_token"])
    )
    assert revoke.status_code == 204
    assert_problem(
        client.simulate_post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]}),
        401,
    )
    again = client.simulate_delete(
        f"{API}/users/me/sessions/{other['id']}", headers=bearer(second["access_token"])
    )
    assert_problem(again, 404)
    assert_problem(
        client.simulate_delete(
            f"{API}/users/me/sessions/not-a-uuid", headers=bearer(second["access_token"])
        ),
        404,
    )


def test_a_deactivated_user_is_refused_at_once(
    client: testing.TestClient, container: ApplicationContainer
) -> None:
    tokens = register(client).json
    container.identity.accounts().set_active("ada@example.com", False)
    assert_problem(
        client.simulate_get(f"{API}/users/me", headers=bearer(tokens["access_token"])), 401
    )
    assert_problem(
        client.simulate_post(
            f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        ),
        401,
    )
    assert_problem(
        client.simulate_post(
            f"{API}/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        ),
        401,
    )
