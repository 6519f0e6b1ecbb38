"""Shared test plumbing: real backing services are required in CI, optional elsewhere.

With `CI=true` a missing PostgreSQL, Redis or RabbitMQ fails the run instead of
skipping, so a green CI always means the integration tests ran.
"""

import os
from collections.abc import Iterator

import pytest
import structlog

from taskhub.platform.logging import configure_logging
from tests.log_capture import Stdout

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def service_unavailable(service: str, reason: object) -> None:
    message = f"{service} is not reachable: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (required when CI=true)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def log_output(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stdout]:
    """Logging configured as a serving process does, writing into a `Stdout`.

    Loggers are not cached here, so none keeps writing to a past test's `Stdout`.
    """
    fake = Stdout()
    monkeypatch.setattr("sys.stdout", fake)
    configure_logging("INFO")
    structlog.configure(cache_logger_on_first_use=False)
    yield fake
    structlog.reset_defaults()
