"""An internal error is logged with its traceback, but never with a credential: no frame's
local variables and no SQL parameters reach the log, on SQLite and PostgreSQL."""

import uuid
from collections.abc import Iterator

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.identity.adapters.security.passwords import SCHEME
from taskhub.contexts.identity.adapters.sql.tables import api_keys
from tests.integration.world import API, bearer, create_api_key, create_org, register
from tests.log_capture import Stdout

PASSWORD = "Sw0rdfish-never-logged"


def unhandled_errors(log_output: Stdout) -> list[dict[str, object]]:
    return [line for line in log_output.lines() if line["event"] == "unhandled_error"]


def assert_logged_without_locals(log_output: Stdout) -> None:
    (error,) = unhandled_errors(log_output)
    chain: list[dict[str, list[dict[str, object]]]] = error["exception"]  # type: ignore[assignment]
    assert chain[0]["frames"], "the traceback itself is still logged"
    assert all("locals" not in frame for exception in chain for frame in exception["frames"])


@pytest.fixture
def failing_insert(engine: Engine) -> Iterator[str]:
    """A trigger that makes registering fail inside the database, after the password was
    hashed. On PostgreSQL the users INSERT fails, so the statement carries the hash as a
    parameter; SQLite reports a trigger's RAISE as a constraint failure, which the users
    repository turns into "email taken", so there the session INSERT that follows fails."""
    if engine.dialect.name == "postgresql":
        table = "identity_users"
        create = [
            "CREATE FUNCTION forced_failure() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'forced failure'; END $$",
            f"CREATE TRIGGER forced_failure BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION forced_failure()",
        ]
        drop = [
            f"DROP TRIGGER forced_failure ON {table}",
            "DROP FUNCTION forced_failure()",
        ]
    else:
        table = "identity_sessions"
        create = [
            f"CREATE TRIGGER forced_failure BEFORE INSERT ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
        ]
        drop = ["DROP TRIGGER forced_failure"]
    with engine.begin() as connection:
        for statement in create:
            connection.exec_driver_sql(statement)
    yield table
    with engine.begin() as connection:
        for statement in drop:
            connection.exec_driver_sql(statement)


def test_a_failed_registration_logs_neither_the_password_nor_its_hash(
    client: testing.TestClient, failing_insert: str, log_output: Stdout
) -> None:
    body = {"email": "ada@example.com", "password": PASSWORD, "name": "Ada"}
    result = client.simulate_post(f"{API}/auth/register", json=body)
    assert result.status_code == 500
    assert_logged_without_locals(log_output)
    logged = log_output.text()
    assert "forced failure" in logged
    assert PASSWORD not in logged
    assert SCHEME not in logged  # the stored form of every password hash
    assert "ada@example.com" not in logged  # a statement parameter


def test_a_failure_while_checking_an_api_key_logs_neither_the_key_nor_its_digest(
    client: testing.TestClient,
    container: ApplicationContainer,
    engine: Engine,
    log_output: Stdout,
) -> None:
    owner = register(client, "owner")
    org = create_org(client, owner)
    created = create_api_key(client, org["id"], owner, "member")
    with engine.begin() as connection:  # a row the key's mapping cannot read: an internal error
        connection.execute(
            api_keys.update()
            .where(api_keys.c.id == uuid.UUID(created["id"]))
            .values(role="emperor")
        )
    body = {"name": "Vault", "key": "VLT", "password": PASSWORD}
    result = client.simulate_post(
        f"{API}/orgs/{org['id']}/projects", json=body, headers=bearer(created["key"])
    )
    assert result.status_code == 500
    assert_logged_without_locals(log_output)
    logged = log_output.text()
    assert created["key"] not in logged
    assert created["key"][len(created["prefix"]) :] not in logged
    assert container.identity.opaque_tokens().digest(created["key"]) not in logged
    assert PASSWORD not in logged
