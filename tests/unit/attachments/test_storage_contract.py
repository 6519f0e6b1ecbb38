"""The storage contract on the in-memory fake."""

import pytest

from taskhub.contexts.attachments.application.testing.fakes import FakeObjectStorage
from tests.contracts.attachments import ObjectStorageContract


class TestFakeObjectStorage(ObjectStorageContract):
    @pytest.fixture
    def storage(self) -> FakeObjectStorage:
        return FakeObjectStorage()
