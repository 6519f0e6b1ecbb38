"""The real broker for messaging tests, and helpers to make real changes that publish."""

import os
import uuid
from collections.abc import Iterator

import pytest
from kombu.connection import Connection

from taskhub.bootstrap import ApplicationContainer
from tests.conftest import service_unavailable

BROKER_URL = os.environ.get("TASKHUB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.fixture(scope="session")
def broker_url() -> str:
    try:
        with Connection(BROKER_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        service_unavailable("RabbitMQ", exc)
    return BROKER_URL


@pytest.fixture
def broker(broker_url: str) -> Iterator[Connection]:
    with Connection(broker_url) as connection:
        yield connection


def found_organizations(container: ApplicationContainer, count: int) -> list[uuid.UUID]:
    """Commit `count` real changes that each publish one `member.added` (the founder)."""
    organizations = container.tenancy.organizations()
    founder = uuid.uuid4()
    return [
        organizations.found(founder, name=f"Org {i}", slug=f"org-{uuid.uuid4().hex[:12]}").id
        for i in range(count)
    ]
