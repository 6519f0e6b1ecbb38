"""Shared test plumbing: real backing services are required in CI, optional elsewhere.

With `CI=true` a missing PostgreSQL, Redis or RabbitMQ fails the run instead of
skipping, so a green CI always means the integration tests ran.
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def service_unavailable(service: str, reason: object) -> None:
    message = f"{service} is not reachable: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (required when CI=true)", pytrace=False)
    pytest.skip(message)
