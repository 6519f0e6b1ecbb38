"""Rate limits as the contract states them: per client IP on auth, per principal elsewhere."""

import ipaddress
import re

from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import container_for
from tests.integration.world import API, PASSWORD, create_org, problem, register


def app(engine: Engine, **settings: object) -> testing.TestClient:
    return testing.TestClient(create_app(container_for(engine, **settings)))


def login(client: testing.TestClient, **headers: str) -> testing.Result:
    return client.simulate_post(
        f"{API}/auth/login", json={"email": "a@example.com", "password": "x"}, headers=headers
    )


def test_auth_endpoints_share_one_budget_per_client_ip(engine: Engine) -> None:
    client = app(engine, rate_limit_auth=RateLimit(3, 60))
    first = login(client)
    assert first.status_code == 401
    assert first.headers["ratelimit-policy"] == '"auth";q=3;w=60'
    assert re.fullmatch(r'"auth";r=2;t=\d+', first.headers["ratelimit"])
    register_attempt = client.simulate_post(f"{API}/auth/register", json={})
    assert register_attempt.headers["ratelimit"].startswith('"auth";r=1;')
    refresh_attempt = client.simulate_post(f"{API}/auth/refresh")
    assert refresh_attempt.headers["ratelimit"].startswith('"auth";r=0;')
    limited = login(client)
    problem(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["ratelimit"].startswith('"auth";r=0;')


def test_a_forged_forwarded_for_does_not_buy_a_new_budget(engine: Engine) -> None:
    client = app(engine, rate_limit_auth=RateLimit(2, 60))
    statuses = [
        login(client, **{"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(4)
    ]
    assert statuses == [401, 401, 429, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(engine: Engine) -> None:
    client = app(
        engine,
        rate_limit_auth=RateLimit(1, 60),
        trusted_proxies=(ipaddress.ip_network("127.0.0.1/32"),),
    )
    assert login(client, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 401
    assert login(client, **{"X-Forwarded-For": "198.51.100.2"}).status_code == 401
    assert login(client, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 429


def test_everything_else_is_limited_per_principal(engine: Engine) -> None:
    client = app(engine, rate_limit_api=RateLimit(3, 60))
    ada, bob = register(client, "ada"), register(client, "bob")
    statuses = [client.simulate_get(f"{API}/users/me", headers=ada.auth) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert statuses[0].headers["ratelimit-policy"] == '"api";q=3;w=60'
    assert statuses[0].headers["ratelimit"].startswith('"api";r=2;')
    assert "retry-after" in statuses[3].headers
    assert client.simulate_get(f"{API}/users/me", headers=bob.auth).status_code == 200


def test_api_keys_have_their_own_budget(engine: Engine) -> None:
    client = app(engine, rate_limit_api=RateLimit(3, 60))
    owner = register(client, "owner")
    org = create_org(client, owner)
    created = client.simulate_post(
        f"{API}/orgs/{org['id']}/api-keys", json={"name": "k", "role": "viewer"}, headers=owner.auth
    ).json
    key = {"Authorization": f"Bearer {created['key']}"}
    assert [
        client.simulate_get(f"{API}/orgs/{org['id']}", headers=key).status_code for _ in range(4)
    ] == [
        200,
        200,
        200,
        429,
    ]


def test_anonymous_operational_endpoints_carry_no_limit_headers(client: testing.TestClient) -> None:
    result = client.simulate_get("/health/live")
    assert "ratelimit" not in result.headers
    assert "ratelimit-policy" not in result.headers


def test_a_signed_in_users_responses_carry_the_headers_even_on_errors(
    client: testing.TestClient,
) -> None:
    ada = register(client, "ada")
    result = client.simulate_get(
        f"{API}/orgs/00000000-0000-0000-0000-000000000000", headers=ada.auth
    )
    assert result.status_code == 404
    assert result.headers["ratelimit-policy"] == '"api";q=1200;w=60'


def test_login_then_me_uses_separate_budgets(engine: Engine) -> None:
    client = app(engine, rate_limit_auth=RateLimit(2, 60), rate_limit_api=RateLimit(100, 60))
    ada = register(client, "ada")
    client.simulate_post(f"{API}/auth/login", json={"email": ada.email, "password": PASSWORD})
    assert client.simulate_get(f"{API}/users/me", headers=ada.auth).status_code == 200
    problem(login(client), 429)
