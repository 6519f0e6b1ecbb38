"""Cross-cutting HTTP conventions of API.md, on the real application."""

import re
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.entrypoints.wsgi import create_app
from tests.integration.conftest import container_for

API = "/api/v1"
VALID = {"email": "ada@example.com", "password": "correct horse 1", "name": "Ada"}


def problem(result: testing.Result, status: int) -> dict[str, Any]:
    assert result.status_code == status, result.text
    assert result.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = result.json
    assert {"type", "title", "status", "detail", "code", "request_id"} <= body.keys()
    assert body["status"] == status
    return body


def test_unknown_route_is_a_404_problem(client: testing.TestClient) -> None:
    problem(client.simulate_get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_a_405_problem_with_allow(client: testing.TestClient) -> None:
    result = client.simulate_delete(f"{API}/auth/register")
    problem(result, 405)
    assert "POST" in result.headers["allow"]


def test_malformed_json_is_400(client: testing.TestClient) -> None:
    result = client.simulate_post(
        f"{API}/auth/register", body=b'{"email": ', headers={"Content-Type": "application/json"}
    )
    assert problem(result, 400)["code"] == "bad_request"


def test_invalid_utf8_is_400(client: testing.TestClient) -> None:
    result = client.simulate_post(
        f"{API}/auth/register",
        body=b'{"email": "\xff"}',
        headers={"Content-Type": "application/json"},
    )
    problem(result, 400)


def test_a_non_json_body_is_415(client: testing.TestClient) -> None:
    result = client.simulate_post(
        f"{API}/auth/register",
        body=b"email=a",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    problem(result, 415)


def test_a_json_array_is_422(client: testing.TestClient) -> None:
    result = client.simulate_post(f"{API}/auth/register", json=[1, 2])
    assert problem(result, 422)["errors"] == [{"field": "body", "message": "must be a JSON object"}]


def test_a_body_over_the_limit_is_413(engine: Engine) -> None:
    client = testing.TestClient(create_app(container_for(engine, max_body_bytes=1024)))
    result = client.simulate_post(f"{API}/auth/register", json={**VALID, "name": "x" * 2000})
    problem(result, 413)


# As gunicorn hands over a chunked body: no Content-Length, a stream that ends by itself.
CHUNKED = {"CONTENT_LENGTH": "", "wsgi.input_terminated": True}
CHUNKED_JSON = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}


def test_a_body_over_the_limit_closes_the_connection(engine: Engine) -> None:
    client = testing.TestClient(create_app(container_for(engine, max_body_bytes=1024)))
    result = client.simulate_post(f"{API}/auth/register", json={**VALID, "name": "x" * 2000})
    problem(result, 413)
    assert result.headers["connection"] == "close"


def test_a_chunked_body_is_read_like_one_with_a_content_length(client: testing.TestClient) -> None:
    result = client.simulate_request(
        "POST", f"{API}/auth/register", json=VALID, headers=CHUNKED_JSON, extras=CHUNKED
    )
    assert result.status_code == 201, result.text
    assert result.json["user"]["email"] == VALID["email"]


def test_a_chunked_body_over_the_limit_is_413_too(engine: Engine) -> None:
    client = testing.TestClient(create_app(container_for(engine, max_body_bytes=1024)))
    body = ("{" + '"name": "' + "x" * 4000 + '"}').encode()
    result = client.simulate_request(
        "POST", f"{API}/auth/register", body=body, headers=CHUNKED_JSON, extras=CHUNKED
    )
    problem(result, 413)
    assert result.headers["connection"] == "close"


def test_a_chunked_body_of_exactly_the_limit_is_read(engine: Engine) -> None:
    body = orjson.dumps(VALID)
    client = testing.TestClient(create_app(container_for(engine, max_body_bytes=len(body))))
    result = client.simulate_request(
        "POST", f"{API}/auth/register", body=body, headers=CHUNKED_JSON, extras=CHUNKED
    )
    assert result.status_code == 201, result.text


def test_a_body_the_server_cannot_delimit_is_411(client: testing.TestClient) -> None:
    result = client.simulate_request(
        "POST",
        f"{API}/auth/register",
        json=VALID,
        headers=CHUNKED_JSON,
        extras={"CONTENT_LENGTH": ""},
    )
    assert problem(result, 411)["code"] == "length_required"
    assert result.headers["connection"] == "close"


def test_a_sane_request_id_is_echoed_and_a_bad_one_replaced(client: testing.TestClient) -> None:
    echoed = client.simulate_get("/health/live", headers={"X-Request-ID": "abc.DEF_123-x"})
    assert echoed.headers["x-request-id"] == "abc.DEF_123-x"
    for bad in ("has space", "x" * 129, "semi;colon", "<script>"):
        replaced = client.simulate_get("/health/live", headers={"X-Request-ID": bad})
        assert replaced.headers["x-request-id"] != bad
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])


def test_every_response_says_nosniff(client: testing.TestClient) -> None:
    for result in (client.simulate_get("/health/live"), client.simulate_get("/nope")):
        assert result.headers["x-content-type-options"] == "nosniff"
        assert "x-request-id" in result.headers


def test_anonymous_responses_are_not_marked_no_store(client: testing.TestClient) -> None:
    assert "cache-control" not in client.simulate_get("/health/live").headers


def test_liveness_and_readiness(client: testing.TestClient) -> None:
    assert client.simulate_get("/health/live").json == {"status": "ok"}
    ready = client.simulate_get("/health/ready")
    assert ready.status_code == 200
    assert ready.json == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}


def test_readiness_is_503_and_requests_are_503_when_the_database_is_down(tmp_path: Any) -> None:
    dead = sa.create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1}
    )
    client = testing.TestClient(create_app(container_for(dead)))
    ready = client.simulate_get("/health/ready")
    body = problem(ready, 503)
    assert body["checks"] == {"database": "down", "storage": "ok"}
    result = client.simulate_post(f"{API}/auth/register", json=VALID)
    assert problem(result, 503)["code"] == "service_unavailable"
    assert "psycopg" not in result.text
    assert "127.0.0.1" not in result.text


def test_cors_answers_only_configured_origins(engine: Engine) -> None:
    client = testing.TestClient(
        create_app(container_for(engine, cors_origins=("https://app.example.com",)))
    )
    preflight = client.simulate_options(
        f"{API}/auth/login",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    other = client.simulate_get("/health/live", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers


def test_no_cors_headers_without_configuration(client: testing.TestClient) -> None:
    result = client.simulate_get("/health/live", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in result.headers


def test_metrics_are_prometheus_text(client: testing.TestClient) -> None:
    client.simulate_get("/health/live")
    result = client.simulate_get("/metrics")
    assert result.status_code == 200
    assert result.headers["content-type"].startswith("text/plain")
    assert (
        'taskhub_http_requests_total{method="GET",route="/health/live",status="200"}' in result.text
    )


def test_docs_page_loads_the_openapi_document(client: testing.TestClient) -> None:
    result = client.simulate_get("/docs")
    assert result.status_code == 200
    assert result.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in result.text


@pytest.mark.parametrize(
    "body",
    [
        b"\x00\x01\x02",
        b'{"email": {"$ne": null}, "password": [], "name": 1}',
        b'{"email": "a@b.co", "password": "' + b"a1" * 50_000 + b'", "name": "x"}',
        b"[" * 10_000,
        b'"just a string"',
        b"null",
    ],
)
def test_hostile_bodies_never_cause_a_500_or_leak_internals(
    client: testing.TestClient, body: bytes
) -> None:
    result = client.simulate_post(
        f"{API}/auth/register", body=body, headers={"Content-Type": "application/json"}
    )
    assert 400 <= result.status_code < 500, result.text
    for leak in ("Traceback", 'File "', "sqlalchemy", "cattrs", "site-packages"):
        assert leak not in result.text
