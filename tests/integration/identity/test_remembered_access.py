"""Two processes that remember sessions and roles, sharing Redis: a revocation or a
membership change made through one is refused by the other on its very next request."""

import uuid
from collections.abc import Iterator

import attrs
import pytest
import redis
import sqlalchemy as sa
from dependency_injector import providers
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.answer_cache import RedisAnswerCache
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import REDIS_URL, container_for
from tests.integration.world import (
    API,
    PASSWORD,
    User,
    add_member,
    bearer,
    create_api_key,
    create_org,
    register,
)

pytestmark = pytest.mark.redis


@attrs.frozen
class Process:
    container: ApplicationContainer
    client: testing.TestClient
    answers: RedisAnswerCache


@pytest.fixture
def processes(engine: Engine, redis_client: "redis.Redis") -> Iterator[tuple[Process, Process]]:
    """Two application instances sharing Redis (`redis_client`: Redis must answer)."""
    channel = f"taskhub-test:answers:{uuid.uuid4().hex}"
    made = []
    for _ in range(2):
        container = container_for(
            engine,
            redis_url=REDIS_URL,
            rate_limit_auth=RateLimit(1_000_000, 60),
            rate_limit_api=RateLimit(1_000_000, 60),
        )
        answers = RedisAnswerCache(redis.Redis.from_url(REDIS_URL), channel=channel)
        container.answers.override(providers.Object(answers))
        made.append(Process(container, testing.TestClient(create_app(container)), answers))
    yield made[0], made[1]
    for process in made:
        process.answers.close()


def statements(engine: Engine, call: object) -> list[str]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        call()  # type: ignore[operator]
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return seen


def asking(sql: list[str], table: str) -> int:
    return sum(f"FROM {table}" in statement for statement in sql)


def me(process: Process, user: User) -> int:
    return process.client.simulate_get(f"{API}/users/me", headers=user.auth).status_code


def test_a_second_request_asks_the_database_neither_session_nor_role(
    processes: tuple[Process, Process], engine: Engine
) -> None:
    here, there = processes
    ada = register(here.client, "ada")
    org = create_org(here.client, ada)
    url = f"{API}/orgs/{org['id']}/projects"

    def listing() -> None:
        assert there.client.simulate_get(url, headers=ada.auth).status_code == 200

    first, second = statements(engine, listing), statements(engine, listing)
    assert (asking(first, "identity_sessions"), asking(first, "tenancy_memberships")) == (1, 1)
    assert (asking(second, "identity_sessions"), asking(second, "tenancy_memberships")) == (0, 0)
    assert asking(second, "work_projects") == 1


def test_signing_out_in_one_process_refuses_the_token_in_the_other(
    processes: tuple[Process, Process],
) -> None:
    here, there = processes
    ada = register(here.client, "ada")
    assert me(there, ada) == 200
    assert me(there, ada) == 200  # now from memory
    assert here.client.simulate_post(f"{API}/auth/logout", headers=ada.auth).status_code == 204
    assert me(there, ada) == 401


def test_changing_the_password_in_one_process_refuses_old_tokens_in_the_other(
    processes: tuple[Process, Process],
) -> None:
    here, there = processes
    ada = register(here.client, "ada")
    assert me(there, ada) == 200
    changed = here.client.simulate_post(
        f"{API}/auth/change-password",
        json={"current_password": PASSWORD, "new_password": "brand new 2"},
        headers=ada.auth,
    )
    assert changed.status_code == 204
    assert me(there, ada) == 401


def test_deactivating_from_a_command_refuses_the_user_in_a_serving_process(
    processes: tuple[Process, Process],
) -> None:
    command, serving = processes
    ada = register(serving.client, "ada")
    assert me(serving, ada) == 200
    command.container.identity.accounts().set_active(ada.email, False)
    assert me(serving, ada) == 401


def test_a_role_change_or_removal_counts_at_once_in_the_other_process(
    processes: tuple[Process, Process],
) -> None:
    here, there = processes
    owner, bob = register(here.client, "owner"), register(here.client, "bob")
    org = create_org(here.client, owner)
    add_member(here.client, org["id"], owner, bob, "admin")
    keys_url = f"{API}/orgs/{org['id']}/api-keys"
    assert there.client.simulate_get(keys_url, headers=bob.auth).status_code == 200

    member_url = f"{API}/orgs/{org['id']}/members/{bob.id}"
    demoted = here.client.simulate_patch(member_url, json={"role": "viewer"}, headers=owner.auth)
    assert demoted.status_code == 200
    assert there.client.simulate_get(keys_url, headers=bob.auth).status_code == 403

    assert here.client.simulate_delete(member_url, headers=owner.auth).status_code == 204
    projects_url = f"{API}/orgs/{org['id']}/projects"
    assert there.client.simulate_get(projects_url, headers=bob.auth).status_code == 404


def test_deleting_the_organization_in_one_process_closes_it_in_the_other(
    processes: tuple[Process, Process],
) -> None:
    here, there = processes
    owner = register(here.client, "owner")
    org = create_org(here.client, owner)
    projects_url = f"{API}/orgs/{org['id']}/projects"
    assert there.client.simulate_get(projects_url, headers=owner.auth).status_code == 200
    deleted = here.client.simulate_delete(f"{API}/orgs/{org['id']}", headers=owner.auth)
    assert deleted.status_code == 204
    assert there.client.simulate_get(projects_url, headers=owner.auth).status_code == 404


def test_deactivating_from_a_command_refuses_the_users_api_keys_in_a_serving_process(
    processes: tuple[Process, Process],
) -> None:
    command, serving = processes
    owner, admin = register(serving.client, "owner"), register(serving.client, "admin")
    org = create_org(serving.client, owner)
    add_member(serving.client, org["id"], owner, admin, "admin")
    key = bearer(create_api_key(serving.client, org["id"], admin, "admin")["key"])
    url = f"{API}/orgs/{org['id']}/projects"
    assert serving.client.simulate_get(url, headers=key).status_code == 200
    assert serving.client.simulate_get(url, headers=key).status_code == 200  # now from memory
    command.container.identity.accounts().set_active(admin.email, False)
    assert serving.client.simulate_get(url, headers=key).status_code == 401
