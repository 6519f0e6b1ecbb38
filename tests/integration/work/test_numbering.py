"""Task numbers under concurrency (PostgreSQL): per project, gap-free and never reused,
even when twenty creators race and some of them fail."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.work.application.task_commands import CreateTask
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import RateLimit
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.integration.concurrency.races import race
from tests.integration.conftest import container_for, empty_postgres
from tests.integration.work_world import Org, make_org

pytestmark = pytest.mark.postgres

THREADS = 20


@pytest.fixture
def pg_container(migrated_postgres: Engine) -> ApplicationContainer:
    empty_postgres(migrated_postgres)
    return container_for(migrated_postgres, rate_limit_auth=RateLimit(1000, 60))


@pytest.fixture
def pg_client(pg_container: ApplicationContainer) -> testing.TestClient:
    return testing.TestClient(create_app(pg_container))


@pytest.fixture
def org(pg_client: testing.TestClient) -> Org:
    return make_org(pg_client)


def actor_for(org: Org) -> Actor:
    principal = Principal(kind=PrincipalKind.USER, user_id=org.member.id)
    return Actor(principal=principal, org_id=uuid.UUID(org.id), role=Role.MEMBER)


def test_twenty_concurrent_creations_get_1_to_20(
    org: Org, pg_container: ApplicationContainer
) -> None:
    project = org.project("ENG")
    service = pg_container.work.tasks()
    actor = actor_for(org)
    project_id = uuid.UUID(project["id"])

    def creator(i: int) -> Callable[[], Any]:
        return lambda: service.create(actor, CreateTask(project_id=project_id, title=f"T{i}"))

    results = race([creator(i) for i in range(THREADS)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert sorted(task.number for task in results) == list(range(1, THREADS + 1))
    listed = org.tasks("limit=100")
    assert sorted(t["number"] for t in listed) == list(range(1, THREADS + 1))
    assert sorted(t["key"] for t in listed) == sorted(f"ENG-{n}" for n in range(1, THREADS + 1))
    assert org.task(project)["number"] == THREADS + 1


def test_failed_creations_consume_no_number(org: Org, pg_container: ApplicationContainer) -> None:
    project = org.project("ENG")
    service = pg_container.work.tasks()
    actor = actor_for(org)
    project_id = uuid.UUID(project["id"])
    stranger = uuid.uuid4()

    def good(i: int) -> Callable[[], Any]:
        return lambda: service.create(actor, CreateTask(project_id=project_id, title=f"T{i}"))

    def stranger_assigned() -> Any:
        # Refused before a number is drawn.
        return service.create(
            actor, CreateTask(project_id=project_id, title="X", assignee_ids=[stranger])
        )

    def blank_title() -> Any:
        # Refused after the number is drawn: the rollback must give it back.
        return service.create(actor, CreateTask(project_id=project_id, title="   "))

    jobs: list[Callable[[], Any]] = []
    for i in range(THREADS):
        jobs.append(good(i))
        if i % 2 == 0:
            jobs.append(stranger_assigned if i % 4 == 0 else blank_title)
    results = race(jobs)
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == THREADS // 2
    assert all(isinstance(f, ValidationFailed) for f in failures), failures
    numbers = sorted(r.number for r in results if not isinstance(r, Exception))
    assert numbers == list(range(1, THREADS + 1))
    assert org.task(project)["number"] == THREADS + 1


def test_concurrent_http_creations_in_two_projects(org: Org, pg_client: testing.TestClient) -> None:
    eng, ops = org.project("ENG"), org.project("OPS")

    def creator(project: dict[str, Any], i: int) -> Callable[[], Any]:
        return lambda: pg_client.simulate_post(
            org.url("/tasks"),
            json={"project_id": project["id"], "title": f"T{i}"},
            headers=org.member.auth,
        )

    jobs = [creator(eng if i % 2 else ops, i) for i in range(THREADS)]
    jobs.append(
        lambda: pg_client.simulate_post(
            org.url("/tasks"),
            json={"project_id": eng["id"], "title": "X", "assignee_ids": [str(uuid.uuid4())]},
            headers=org.member.auth,
        )
    )
    results = race(jobs)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] * THREADS + [422]
    by_project: dict[str, list[int]] = {eng["id"]: [], ops["id"]: []}
    for result in results:
        if result.status_code == 201:
            by_project[result.json["project_id"]].append(result.json["number"])
    half = list(range(1, THREADS // 2 + 1))
    assert sorted(by_project[eng["id"]]) == half
    assert sorted(by_project[ops["id"]]) == half
