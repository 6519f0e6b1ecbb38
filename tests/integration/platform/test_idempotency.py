"""Idempotency keys: a retried POST runs once and its retries get the first answer.

Through the real application on SQLite and PostgreSQL, plus the guard on its own with a
clock the tests move, for the rules about leases and expiry.
"""

import json
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import falcon
import pytest
import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.tenancy.adapters.sql.tables import organizations, teams
from taskhub.entrypoints.wsgi import create_app, endpoints
from taskhub.platform.http.app import build_falcon_app
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.idempotency import (
    CLAIM_LEASE,
    RETENTION,
    Claim,
    IdempotencyGuard,
    IdempotencyKeyReused,
    IdempotencyRequestInProgress,
    IdempotentRequest,
    StoredResponse,
)
from taskhub.platform.idempotency_tables import idempotency_keys
from tests.integration.conftest import TEST_SECRET, container_for
from tests.integration.world import (
    API,
    User,
    bearer,
    create_api_key,
    create_org,
    problem,
    register,
)

REPLAYED = "idempotent-replayed"


def post_org(
    client: testing.TestClient, user: User, slug: str, key: str | None = "key-1"
) -> testing.Result:
    headers = dict(user.auth)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.simulate_post(
        f"{API}/orgs", json={"name": slug.title(), "slug": slug}, headers=headers
    )


def orgs_with_slug(engine: Engine, slug: str) -> int:
    with engine.connect() as connection:
        query = sa.select(sa.func.count()).where(organizations.c.slug == slug)
        return int(connection.execute(query).scalar_one())


def stored_keys(engine: Engine) -> list[sa.Row[Any]]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(idempotency_keys)))


def slug() -> str:
    return f"org-{uuid.uuid4().hex[:10]}"


# --- through the application -------------------------------------------------------------


def test_a_retry_replays_the_first_response_and_creates_nothing(
    client: testing.TestClient, engine: Engine
) -> None:
    ann = register(client, "ann")
    name = slug()
    first = post_org(client, ann, name)
    assert first.status_code == 201, first.text
    assert REPLAYED not in first.headers

    again = post_org(client, ann, name)
    assert again.status_code == 201
    assert again.headers[REPLAYED] == "true"
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers.get("cache-control") == first.headers.get("cache-control")
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert orgs_with_slug(engine, name) == 1
    (row,) = stored_keys(engine)
    assert row.state == "done"
    assert row.principal == f"user:{ann.id}"


def test_requests_without_a_key_are_not_deduplicated(client: testing.TestClient) -> None:
    ann = register(client, "ann")
    name = slug()
    assert post_org(client, ann, name, key=None).status_code == 201
    problem(post_org(client, ann, name, key=None), 409)


def test_the_same_key_with_another_request_is_422(
    client: testing.TestClient, engine: Engine
) -> None:
    ann = register(client, "ann")
    org = create_org(client, ann)
    name = slug()
    assert post_org(client, ann, name).status_code == 201

    problem(post_org(client, ann, slug()), 422, "idempotency_key_reused")
    other_path = client.simulate_post(
        f"{API}/orgs/{org['id']}/teams",
        json={"name": "Core"},
        headers={**ann.auth, "Idempotency-Key": "key-1"},
    )
    body = problem(other_path, 422, "idempotency_key_reused")
    assert "errors" not in body
    # Same JSON, other bytes: the fingerprint is of the body as sent.
    respaced = client.simulate_post(
        f"{API}/orgs",
        body=f'{{"name": "{name.title()}",   "slug": "{name}"}}',
        headers={**ann.auth, "Idempotency-Key": "key-1", "Content-Type": "application/json"},
    )
    problem(respaced, 422, "idempotency_key_reused")
    assert orgs_with_slug(engine, name) == 1


def test_keys_belong_to_their_principal(client: testing.TestClient) -> None:
    ann, bob = register(client, "ann"), register(client, "bob")
    first = post_org(client, ann, slug())
    other = post_org(client, bob, slug())
    assert first.status_code == other.status_code == 201
    assert REPLAYED not in other.headers
    assert other.json["id"] != first.json["id"]


def test_an_api_key_is_a_principal_of_its_own(client: testing.TestClient, engine: Engine) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    api_key = bearer(create_api_key(client, org["id"], owner, "admin")["key"])
    path = f"{API}/orgs/{org['id']}/teams"

    def post_team(auth: dict[str, str], name: str) -> testing.Result:
        headers = {**auth, "Idempotency-Key": "shared-key"}
        return client.simulate_post(path, json={"name": name}, headers=headers)

    by_key = post_team(api_key, "Platform")
    assert by_key.status_code == 201, by_key.text
    replay = post_team(api_key, "Platform")
    assert replay.headers[REPLAYED] == "true"
    assert replay.json == by_key.json

    by_owner = post_team(owner.auth, "Design")  # the owner's key space is another one
    assert by_owner.status_code == 201, by_owner.text
    assert REPLAYED not in by_owner.headers
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(teams)).scalar_one() == 2
    assert {row.principal.split(":")[0] for row in stored_keys(engine)} == {"key", "user"}


def test_a_failed_request_leaves_its_key_free(client: testing.TestClient, engine: Engine) -> None:
    ann, bob = register(client, "ann"), register(client, "bob")
    taken = create_org(client, bob)["slug"]

    problem(post_org(client, ann, taken), 409)
    retried = post_org(client, ann, taken)  # ran again: a failure is not replayed
    problem(retried, 409)
    assert REPLAYED not in retried.headers
    assert stored_keys(engine) == []

    corrected = post_org(client, ann, slug())
    assert corrected.status_code == 201, corrected.text
    assert REPLAYED not in corrected.headers


def test_a_body_that_fails_validation_never_claims_the_key(
    client: testing.TestClient, engine: Engine
) -> None:
    ann = register(client, "ann")
    problem(post_org(client, ann, "-bad-slug-"), 422, "validation_error")
    assert stored_keys(engine) == []
    assert post_org(client, ann, slug()).status_code == 201


def test_an_invalid_key_is_400_and_nothing_runs(client: testing.TestClient, engine: Engine) -> None:
    ann = register(client, "ann")
    name = slug()
    for bad in ("x" * 256, "", "tab\tinside"):
        problem(post_org(client, ann, name, key=bad), 400, "invalid_idempotency_key")
    assert orgs_with_slug(engine, name) == 0
    assert post_org(client, ann, name, key="x" * 255).status_code == 201
    # Credentials are checked first.
    result = client.simulate_post(
        f"{API}/orgs", json={"name": "N", "slug": slug()}, headers={"Idempotency-Key": "x" * 300}
    )
    problem(result, 401)


def test_public_endpoints_ignore_the_header(client: testing.TestClient, engine: Engine) -> None:
    body = {
        "email": f"ann-{uuid.uuid4().hex[:8]}@example.com",
        "password": "pass word 1",
        "name": "A",
    }
    headers = {"Idempotency-Key": "signup"}
    assert (
        client.simulate_post(f"{API}/auth/register", json=body, headers=headers).status_code == 201
    )
    again = client.simulate_post(f"{API}/auth/register", json=body, headers=headers)
    problem(again, 409)
    assert REPLAYED not in again.headers
    invalid = {"Idempotency-Key": "x" * 300}
    other = {**body, "email": f"bob-{uuid.uuid4().hex[:8]}@example.com"}
    assert (
        client.simulate_post(f"{API}/auth/register", json=other, headers=invalid).status_code == 201
    )
    assert stored_keys(engine) == []


def test_after_24_hours_the_key_is_free_again(client: testing.TestClient, engine: Engine) -> None:
    ann = register(client, "ann")
    name = slug()
    assert post_org(client, ann, name).status_code == 201
    long_ago = datetime.now(UTC) - RETENTION - timedelta(minutes=1)
    with engine.begin() as connection:
        connection.execute(
            sa.update(idempotency_keys).values(created_at=long_ago, expires_at=long_ago + RETENTION)
        )

    problem(post_org(client, ann, name), 409)  # ran again instead of replaying
    fresh = post_org(client, ann, slug())  # a different body is no longer a reuse
    assert fresh.status_code == 201, fresh.text
    assert REPLAYED not in fresh.headers
    (row,) = stored_keys(engine)
    assert row.expires_at > datetime.now(UTC) + RETENTION - timedelta(minutes=5)


def test_a_request_whose_claim_is_held_elsewhere_is_409(
    client: testing.TestClient, engine: Engine
) -> None:
    ann = register(client, "ann")
    name = slug()
    body = json.dumps({"name": name.title(), "slug": name}).encode()
    request = IdempotentRequest(
        principal=f"user:{ann.id}", key="key-1", method="POST", path=f"{API}/orgs", body=body
    )
    guard = IdempotencyGuard(engine, TEST_SECRET)
    claim = guard.begin(request)  # another process is running this very request
    assert isinstance(claim, Claim)

    def send(raw: bytes) -> testing.Result:
        headers = {**ann.auth, "Idempotency-Key": "key-1", "Content-Type": "application/json"}
        return client.simulate_post(f"{API}/orgs", body=raw, headers=headers)

    problem(send(body), 409, "idempotency_request_in_progress")
    problem(send(body.replace(b"org-", b"new-")), 422, "idempotency_key_reused")
    assert orgs_with_slug(engine, name) == 0
    guard.abandon(claim)
    assert send(body).status_code == 201
    assert orgs_with_slug(engine, name) == 1


def app_with(
    container: ApplicationContainer, *extra: Endpoint
) -> falcon.App[falcon.Request, falcon.Response]:
    """The real application plus test-only endpoints."""
    return build_falcon_app(
        settings=container.settings(),
        engine=container.engine(),
        endpoints=[*endpoints(container), *extra],
        authenticator=container.identity.authenticator(),
        org_access=container.tenancy.access(),
        secret_key=container.secret_key(),
        rate_limiter=container.rate_limiter(),
        health_checks={},
        metrics=container.metrics(),
    )


def extra_endpoint(path: str, handler: Callable[[Call], Reply]) -> Endpoint:
    return Endpoint(
        "POST", path, handler, path.rsplit("/", 1)[-1], "Test", "test", Access.USER, status=201
    )


def test_a_key_is_409_while_its_first_request_runs(engine: Engine) -> None:
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def slow(call: Call) -> Reply:
        runs.append(1)
        started.set()
        assert release.wait(10)
        return Reply(status=201, body={"runs": len(runs)}, headers={"Location": "/somewhere"})

    app = app_with(container_for(engine), extra_endpoint("/test/slow", slow))
    ann = register(testing.TestClient(app), "ann")
    headers = {**ann.auth, "Idempotency-Key": "slow-1"}
    results: list[testing.Result] = []
    first = threading.Thread(
        target=lambda: results.append(
            testing.TestClient(app).simulate_post("/test/slow", headers=headers)
        )
    )
    first.start()
    assert started.wait(10)
    try:
        concurrent = testing.TestClient(app).simulate_post("/test/slow", headers=headers)
        problem(concurrent, 409, "idempotency_request_in_progress")
    finally:
        release.set()
        first.join(10)
    (done,) = results
    assert done.status_code == 201
    assert REPLAYED not in done.headers

    replay = testing.TestClient(app).simulate_post("/test/slow", headers=headers)
    assert replay.status_code == 201
    assert replay.json == {"runs": 1}
    assert replay.headers["location"] == "/somewhere"
    assert replay.headers[REPLAYED] == "true"
    assert runs == [1]


def test_a_crashed_request_leaves_its_key_free(engine: Engine) -> None:
    runs: list[int] = []

    def flaky(call: Call) -> Reply:
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("boom")
        return Reply(status=201, body={"runs": len(runs)})

    client = testing.TestClient(
        app_with(container_for(engine), extra_endpoint("/test/flaky", flaky))
    )
    ann = register(client, "ann")
    headers = {**ann.auth, "Idempotency-Key": "flaky-1"}
    problem(client.simulate_post("/test/flaky", headers=headers), 500)
    assert client.simulate_post("/test/flaky", headers=headers).json == {"runs": 2}
    assert client.simulate_post("/test/flaky", headers=headers).json == {"runs": 2}
    assert runs == [1, 1]


def test_concurrent_duplicates_create_exactly_once(engine: Engine) -> None:
    app = create_app(container_for(engine))
    ann = register(testing.TestClient(app), "ann")
    name = slug()
    barrier = threading.Barrier(8)
    results: list[testing.Result] = []
    lock = threading.Lock()

    def send() -> None:
        client = testing.TestClient(app)
        barrier.wait()
        result = post_org(client, ann, name, key="race")
        with lock:
            results.append(result)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(results) == 8
    created = [r for r in results if r.status_code == 201 and REPLAYED not in r.headers]
    replayed = [r for r in results if r.status_code == 201 and REPLAYED in r.headers]
    in_progress = [r for r in results if r.status_code == 409]
    assert len(created) == 1, [r.status_code for r in results]
    assert len(created) + len(replayed) + len(in_progress) == 8
    for result in in_progress:
        problem(result, 409, "idempotency_request_in_progress")
    for result in replayed:
        assert result.content == created[0].content
    assert orgs_with_slug(engine, name) == 1


def test_the_openapi_document_describes_the_header(client: testing.TestClient) -> None:
    paths = client.simulate_get("/openapi.json").json["paths"]
    keyed = 0
    for operations in paths.values():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", [])]
            authenticated = operation["security"] != []
            # A streamed upload's body is unread when the key would be claimed (ADR 0026).
            streamed = "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
            if method == "post" and authenticated and not streamed:
                keyed += 1
                assert "Idempotency-Key" in names, operation["operationId"]
                assert {"400", "409", "422"} <= set(operation["responses"])
            else:
                assert "Idempotency-Key" not in names, operation["operationId"]
    assert keyed >= 4
    create = paths["/api/v1/orgs"]["post"]
    (header,) = [p for p in create["parameters"] if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header"
    assert header["required"] is False
    assert header["schema"] == {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        # Printable ASCII with at least one visible character, as the guard accepts.
        "pattern": r"^[\x20-\x7e]*[\x21-\x7e][\x20-\x7e]*$",
    }
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
    assert "still running" in create["responses"]["409"]["description"]


# --- the guard on its own, with a clock the tests move -----------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def guard(engine: Engine, clock: FakeClock) -> IdempotencyGuard:
    return IdempotencyGuard(engine, TEST_SECRET, clock)


def keyed(body: bytes = b"{}", key: str = "k", principal: str = "user:1") -> IdempotentRequest:
    return IdempotentRequest(principal=principal, key=key, method="POST", path="/x", body=body)


CREATED = StoredResponse(status=201, headers={"Content-Type": "application/json"}, body=b'{"a":1}')


def test_a_claim_then_a_stored_response(guard: IdempotencyGuard) -> None:
    claim = guard.begin(keyed())
    assert isinstance(claim, Claim)
    with pytest.raises(IdempotencyRequestInProgress):
        guard.begin(keyed())
    guard.complete(claim, CREATED)
    assert guard.begin(keyed()) == CREATED
    with pytest.raises(IdempotencyKeyReused):
        guard.begin(keyed(b'{"other": 1}'))


def test_a_reused_key_is_422_even_while_running(guard: IdempotencyGuard) -> None:
    guard.begin(keyed())
    with pytest.raises(IdempotencyKeyReused):
        guard.begin(keyed(b"[]"))


def test_only_successes_are_kept(guard: IdempotencyGuard, engine: Engine) -> None:
    for status in (400, 409, 500, 304):
        claim = guard.begin(keyed())
        assert isinstance(claim, Claim)
        guard.complete(claim, StoredResponse(status=status))
    assert stored_keys(engine) == []
    claim = guard.begin(keyed())
    assert isinstance(claim, Claim)
    guard.complete(claim, StoredResponse(status=204))
    assert guard.begin(keyed()) == StoredResponse(status=204, headers={}, body=None)


def test_a_stored_response_lives_24_hours_from_the_first_request(
    guard: IdempotencyGuard, clock: FakeClock
) -> None:
    claim = guard.begin(keyed())
    assert isinstance(claim, Claim)
    clock.current += timedelta(minutes=2)
    guard.complete(claim, CREATED)
    clock.current += RETENTION - timedelta(minutes=3)
    assert guard.begin(keyed()) == CREATED
    clock.current += timedelta(minutes=1)
    assert isinstance(guard.begin(keyed(b"[]")), Claim)


def test_a_claim_outlives_a_dead_request_only_by_its_lease(
    guard: IdempotencyGuard, clock: FakeClock
) -> None:
    dead = guard.begin(keyed())
    assert isinstance(dead, Claim)
    clock.current += CLAIM_LEASE - timedelta(seconds=1)
    with pytest.raises(IdempotencyRequestInProgress):
        guard.begin(keyed())
    clock.current += timedelta(seconds=1)
    taken_over = guard.begin(keyed())
    assert isinstance(taken_over, Claim)

    # The first request finishing late touches neither the new claim nor its result.
    guard.complete(dead, CREATED)
    with pytest.raises(IdempotencyRequestInProgress):
        guard.begin(keyed())
    guard.abandon(dead)
    with pytest.raises(IdempotencyRequestInProgress):
        guard.begin(keyed())
    done = StoredResponse(status=200, body=b"second")
    guard.complete(taken_over, done)
    assert guard.begin(keyed()) == StoredResponse(status=200, headers={}, body=b"second")


def test_keys_are_scoped_by_principal(guard: IdempotencyGuard) -> None:
    assert isinstance(guard.begin(keyed(principal="user:1")), Claim)
    assert isinstance(guard.begin(keyed(b"[]", principal="user:2")), Claim)
    assert isinstance(guard.begin(keyed(principal="key:1")), Claim)


def test_expired_rows_are_swept(engine: Engine, clock: FakeClock) -> None:
    first = IdempotencyGuard(engine, TEST_SECRET, clock)
    for n in range(3):
        claim = first.begin(keyed(key=f"old-{n}", principal="user:gone"))
        assert isinstance(claim, Claim)
        first.complete(claim, CREATED)
    clock.current += RETENTION + timedelta(seconds=1)
    IdempotencyGuard(engine, TEST_SECRET, clock).begin(keyed(key="new"))
    assert [row.idempotency_key for row in stored_keys(engine)] == ["new"]


def test_a_database_outage_after_the_handler_does_not_fail_the_response(tmp_path: Any) -> None:
    broken = sa.create_engine(f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    guard = IdempotencyGuard(broken, TEST_SECRET)
    claim = Claim("user:1", "k", uuid.uuid4(), datetime.now(UTC))
    guard.complete(claim, CREATED)
    guard.abandon(claim)
    with pytest.raises(sa.exc.OperationalError):
        guard.begin(keyed())
