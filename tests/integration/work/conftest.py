"""The application these tests drive: the integration container, with room for the many
sign-ups a test world needs (the auth budget is per client IP, and every test is one IP)."""

import pytest
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.platform.settings import RateLimit
from tests.integration.conftest import container_for


@pytest.fixture
def container(engine: Engine) -> ApplicationContainer:
    return container_for(engine, rate_limit_auth=RateLimit(1000, 60))
