"""Attachments over HTTP, on both databases and both storages: a local folder, and S3
as a real S3-compatible server (moto's standalone server, started once per session)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import create_app
from tests.conftest import service_unavailable
from tests.integration.conftest import container_for
from tests.integration.world import API, User, create_org, register

S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "taskhub-test",
    "AWS_SECRET_ACCESS_KEY": "taskhub-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on a free loopback port, for the whole session."""
    for name, value in S3_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    binary = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if binary is None:
        service_unavailable("moto_server", "not installed (pip install 'moto[server]')")
        return
    port = _free_port()
    process = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            if _answers(port) or process.poll() is not None:
                break
            time.sleep(0.1)
        if not _answers(port):
            service_unavailable("moto_server", "it did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def new_bucket(endpoint: str) -> str:
    name = f"taskhub-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=name)
    return name


def s3_url(endpoint: str, bucket: str) -> str:
    return f"s3://{bucket}?endpoint_url={endpoint}&region=us-east-1"


@pytest.fixture(params=["local", "s3"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test once on a local folder and once on S3."""
    if request.param == "local":
        return (tmp_path / "files").as_uri()
    endpoint = request.getfixturevalue("s3_endpoint")
    return s3_url(endpoint, new_bucket(endpoint))


def attachments_container(
    engine: Engine, storage_url: str, **overrides: Any
) -> ApplicationContainer:
    return container_for(engine, storage_url=storage_url, **overrides)


@pytest.fixture
def container(engine: Engine, storage_url: str) -> ApplicationContainer:
    return attachments_container(engine, storage_url, max_upload_bytes=64 * 1024)


@pytest.fixture
def client(container: ApplicationContainer) -> testing.TestClient:
    return testing.TestClient(create_app(container))


@pytest.fixture
def owner(client: testing.TestClient) -> User:
    return register(client, "owner")


@pytest.fixture
def org_id(client: testing.TestClient, owner: User) -> str:
    return str(create_org(client, owner)["id"])


@pytest.fixture
def task_id(client: testing.TestClient, owner: User, org_id: str) -> str:
    return new_task(client, owner, org_id)


def new_task(client: testing.TestClient, owner: User, org_id: str) -> str:
    key = "P" + uuid.uuid4().hex[:5].upper()
    project = client.simulate_post(
        f"{API}/orgs/{org_id}/projects", json={"name": key, "key": key}, headers=owner.auth
    )
    assert project.status_code == 201, project.text
    task = client.simulate_post(
        f"{API}/orgs/{org_id}/tasks",
        json={"project_id": project.json["id"], "title": "Has files"},
        headers=owner.auth,
    )
    assert task.status_code == 201, task.text
    return str(task.json["id"])


BOUNDARY = "taskhub-test-boundary"


def multipart(
    content: bytes,
    *,
    filename: str = "notes.txt",
    field: str = "file",
    declared: str = "text/plain",
) -> tuple[bytes, dict[str, str]]:
    body = (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {declared}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def upload(
    client: testing.TestClient, user: User, org_id: str, task_id: str, content: bytes, **kw: Any
) -> testing.Result:
    body, headers = multipart(content, **kw)
    return client.simulate_post(
        f"{API}/orgs/{org_id}/tasks/{task_id}/attachments",
        body=body,
        headers={**headers, **user.auth},
    )
