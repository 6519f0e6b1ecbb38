"""Fixtures shared by the HTTP tests: a registered user who owns an organization."""

import pytest
from falcon import testing

from tests.integration.http.world import User, create_org, register


@pytest.fixture
def owner(client: testing.TestClient) -> User:
    return register(client, "owner")


@pytest.fixture
def org_id(client: testing.TestClient, owner: User) -> str:
    return str(create_org(client, owner)["id"])
