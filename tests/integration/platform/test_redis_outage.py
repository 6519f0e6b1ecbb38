"""With Redis unreachable the service degrades but keeps its limits, and says so.

Redis is stood in for by a closed port on this machine (nothing is mocked): the login
limit still holds per process, the fallback is counted on /metrics, and readiness
reports Redis as degraded while answering 200, since every request is still served.
"""

import re

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import REDIS_URL, container_for
from tests.integration.world import API

DEAD_REDIS_URL = "redis://127.0.0.1:1/0"
WRONG_LOGIN = {"email": "nobody@example.com", "password": "wrong-password-1"}


def app(engine: Engine, redis_url: str) -> testing.TestClient:
    container = container_for(engine, redis_url=redis_url, rate_limit_auth=RateLimit(10, 60))
    return testing.TestClient(create_app(container))


def fallback_decisions(client: testing.TestClient) -> float:
    metrics = client.simulate_get("/metrics").text
    found = re.search(r"^taskhub_rate_limiter_fallback_total (\S+)$", metrics, re.MULTILINE)
    assert found, "the fallback counter should be exported"
    return float(found.group(1))


def test_with_redis_unreachable_the_login_limit_still_holds(engine: Engine) -> None:
    client = app(engine, DEAD_REDIS_URL)

    results = [client.simulate_post(f"{API}/auth/login", json=WRONG_LOGIN) for _ in range(40)]

    statuses = [result.status_code for result in results]
    assert statuses.count(401) == 10, statuses  # what reached the password check
    assert statuses.count(429) == 30
    refused = results[-1]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit"].startswith('"auth";r=0;')
    assert fallback_decisions(client) == 40


def test_with_redis_unreachable_readiness_says_redis_is_degraded(engine: Engine) -> None:
    ready = app(engine, DEAD_REDIS_URL).simulate_get("/health/ready")

    assert ready.status_code == 200
    assert ready.json == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "redis": "degraded"},
    }


@pytest.mark.redis
def test_with_redis_up_readiness_says_ok_and_nothing_falls_back(
    engine: Engine, redis_client: object
) -> None:
    client = app(engine, REDIS_URL)
    ready = client.simulate_get("/health/ready")
    assert ready.status_code == 200
    assert ready.json == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "redis": "ok"},
    }

    client.simulate_post(f"{API}/auth/login", json=WRONG_LOGIN)
    assert fallback_decisions(client) == 0
