"""Optimistic concurrency: a write names the version it read, or takes its chances."""

from taskhub.shared_kernel.errors import PreconditionFailed


def ensure_version(current: int, expected: int | None) -> None:
    """Raise PreconditionFailed unless `expected` is None (last writer wins) or current."""
    if expected is not None and expected != current:
        raise PreconditionFailed(
            f"The resource is at version {current}, not {expected}; read it again and retry."
        )
