"""Direct uploads (presigned PUT on S3, taskhub's signed URL on local storage) and the
janitor that purges deleted attachments and abandoned uploads; each test on both
databases and both storages."""

import threading
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dependency_injector import providers
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.attachments.adapters.janitor_loop import JanitorLoop
from taskhub.entrypoints.wsgi import create_app
from tests.integration.attachments.conftest import attachments_container, new_task, upload
from tests.integration.world import API, User, create_org, problem, register


class SteppedClock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def container(engine: Engine, storage_url: str, clock: SteppedClock) -> ApplicationContainer:
    built = attachments_container(engine, storage_url, max_upload_bytes=4096)
    built.clock.override(providers.Object(clock))
    return built


def _uploads(org_id: str, task_id: str) -> str:
    return f"{API}/orgs/{org_id}/tasks/{task_id}/attachments/uploads"


def _start(client: testing.TestClient, user: User, org_id: str, task_id: str, size: int) -> Any:
    result = client.simulate_post(
        _uploads(org_id, task_id),
        json={"filename": "big.pdf", "content_type": "application/pdf", "size": size},
        headers=user.auth,
    )
    assert result.status_code == 201, result.text
    return result.json


def _put(client: testing.TestClient, started: Any, data: bytes) -> int:
    """Send the bytes where the upload says, as a client would."""
    url, headers = started["url"], started["headers"]
    assert started["method"] == "PUT"
    if url.startswith("/"):
        return client.simulate_put(url, body=data, headers=headers).status_code
    request = urllib.request.Request(url, data=data, method="PUT", headers=headers)
    with urllib.request.urlopen(request) as answer:
        return int(answer.status)


def test_a_direct_upload_completes_when_the_size_matches(
    client: testing.TestClient, owner: User, org_id: str, task_id: str
) -> None:
    data = b"%PDF-1.7\n" + b"x" * 300
    started = _start(client, owner, org_id, task_id, len(data))
    assert set(started) == {"upload_id", "method", "url", "headers", "expires_at"}
    complete = f"{_uploads(org_id, task_id)}/{started['upload_id']}/complete"
    early = problem(client.simulate_post(complete, headers=owner.auth), 422)
    assert early["errors"][0]["field"] == "size"
    assert _put(client, started, data) in (200, 204)
    done = client.simulate_post(complete, headers=owner.auth)
    assert done.status_code == 201, done.text
    assert done.json["id"] == started["upload_id"]
    assert done.json["content_type"] == "application/pdf"
    assert done.json["size"] == len(data)
    problem(client.simulate_post(complete, headers=owner.auth), 404)
    listed = client.simulate_get(
        f"{API}/orgs/{org_id}/tasks/{task_id}/attachments", headers=owner.auth
    ).json["items"]
    assert [a["id"] for a in listed] == [started["upload_id"]]


def test_a_direct_upload_of_another_size_is_refused(
    client: testing.TestClient, owner: User, org_id: str, task_id: str, storage_url: str
) -> None:
    started = _start(client, owner, org_id, task_id, 100)
    complete = f"{_uploads(org_id, task_id)}/{started['upload_id']}/complete"
    if storage_url.startswith("s3://"):
        assert _put(client, started, b"y" * 50) == 200
    else:
        problem(client.simulate_put(started["url"], body=b"y" * 101), 422)
        assert _put(client, started, b"y" * 50) == 204
    problem(client.simulate_post(complete, headers=owner.auth), 422)
    too_big = client.simulate_post(
        _uploads(org_id, task_id),
        json={"filename": "x", "content_type": "text/plain", "size": 4097},
        headers=owner.auth,
    )
    assert problem(too_big, 422)["errors"][0]["field"] == "size"


def test_taskhubs_upload_urls_are_signed_and_expire(
    client: testing.TestClient,
    owner: User,
    org_id: str,
    task_id: str,
    storage_url: str,
    clock: SteppedClock,
) -> None:
    if storage_url.startswith("s3://"):
        pytest.skip("S3 signs its own URLs")
    started = _start(client, owner, org_id, task_id, 3)
    url = started["url"]
    forged = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
    problem(client.simulate_put(forged, body=b"abc"), 403)
    problem(client.simulate_put(url.replace("expires=", "expires=9"), body=b"abc"), 403)
    clock.at += timedelta(minutes=16)
    problem(client.simulate_put(url, body=b"abc"), 403)


def test_the_janitor_purges_after_the_retention_window(
    client: testing.TestClient,
    owner: User,
    org_id: str,
    task_id: str,
    container: ApplicationContainer,
    clock: SteppedClock,
) -> None:
    assert any(isinstance(job, JanitorLoop) for job in container.background_jobs())
    storage = container.attachments.storage()
    janitor = container.attachments.janitor()
    created = upload(client, owner, org_id, task_id, b"to be purged").json
    one = f"{API}/orgs/{org_id}/tasks/{task_id}/attachments/{created['id']}"
    key = f"{org_id}/{created['id']}"
    assert client.simulate_delete(one, headers=owner.auth).status_code == 204
    clock.at += timedelta(days=29)
    assert janitor.run_once() == 0
    assert storage.size_of(key) == len(b"to be purged")
    clock.at += timedelta(days=2)
    assert janitor.run_once() == 1
    assert storage.size_of(key) is None
    problem(client.simulate_post(one + "/restore", headers=owner.auth), 404)
    with container.attachments.unit_of_work(read_only=True) as uow:
        assert uow.usage.used(uuid.UUID(org_id)) == 0
    log = client.simulate_get(
        f"{API}/orgs/{org_id}/audit-log", params={"entity_id": created["id"]}, headers=owner.auth
    ).json["items"]
    assert log[0]["action"] == "attachment.purged"
    assert log[0]["actor_type"] == "system"


def test_the_janitor_removes_uploads_never_completed_after_a_day(
    client: testing.TestClient,
    owner: User,
    org_id: str,
    task_id: str,
    container: ApplicationContainer,
    clock: SteppedClock,
) -> None:
    storage = container.attachments.storage()
    started = _start(client, owner, org_id, task_id, 5)
    assert _put(client, started, b"abcde") in (200, 204)
    key = f"{org_id}/{started['upload_id']}"
    clock.at += timedelta(hours=23)
    assert container.attachments.janitor().run_once() == 0
    clock.at += timedelta(hours=2)
    assert container.attachments.janitor().run_once() == 1
    assert storage.size_of(key) is None
    complete = f"{_uploads(org_id, task_id)}/{started['upload_id']}/complete"
    problem(client.simulate_post(complete, headers=owner.auth), 404)


@pytest.mark.postgres
def test_racing_uploads_never_store_more_than_the_quota(
    postgres_engine: Engine, tmp_path: Any
) -> None:
    """12 writers, 4 rounds, on real PostgreSQL: each round's quota fits exactly 5 files."""
    size, fits = 100, 5
    container = attachments_container(
        postgres_engine, (tmp_path / "files").as_uri(), org_storage_quota_bytes=size * fits * 4
    )
    client = testing.TestClient(create_app(container))
    owner = register(client, "racer")
    org_id = str(create_org(client, owner)["id"])
    task_id = new_task(client, owner, org_id)
    stored = 0
    for _round in range(4):
        barrier = threading.Barrier(12)
        statuses: list[int] = []

        def race(barrier: threading.Barrier = barrier, statuses: list[int] = statuses) -> None:
            barrier.wait()
            result = upload(client, owner, org_id, task_id, b"r" * size)
            statuses.append(result.status_code)

        threads = [threading.Thread(target=race) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert set(statuses) <= {201, 409}
        stored += statuses.count(201)
        listed = client.simulate_get(
            f"{API}/orgs/{org_id}/tasks/{task_id}/attachments",
            params={"limit": 100},
            headers=owner.auth,
        ).json["items"]
        assert len(listed) == stored <= fits * 4
        assert sum(a["size"] for a in listed) <= size * fits * 4
        files = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
        assert len(files) == stored
    assert stored == fits * 4
