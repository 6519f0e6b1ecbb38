"""The whole application on PostgreSQL, for tests that race writers against each other.

One falcon app is shared by every thread, as one server process shares it between
its worker threads.
"""

import pytest
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import container_for, empty_postgres
from tests.integration.work_world import Org, make_org


@pytest.fixture
def pg_container(migrated_postgres: Engine) -> ApplicationContainer:
    empty_postgres(migrated_postgres)
    return container_for(
        migrated_postgres,
        rate_limit_auth=RateLimit(1000, 60),
        rate_limit_api=RateLimit(100_000, 60),
        webhook_allow_private=True,
    )


@pytest.fixture
def pg_client(pg_container: ApplicationContainer) -> testing.TestClient:
    return testing.TestClient(create_app(pg_container))


@pytest.fixture
def org(pg_client: testing.TestClient) -> Org:
    return make_org(pg_client)
