"""The error vocabulary shared by every context.

Domain and application code raise these; one place in the HTTP platform turns each
kind into a problem+json response. Messages are written for API consumers: they
never carry internals.
"""

from collections.abc import Sequence

import attrs


class TaskhubError(Exception):
    """Base of every error that the HTTP layer knows how to present."""

    code: str = "error"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class NotFound(TaskhubError):
    code = "not_found"


class Conflict(TaskhubError):
    code = "conflict"


class Unauthenticated(TaskhubError):
    code = "unauthenticated"


class PermissionDenied(TaskhubError):
    code = "forbidden"


class PreconditionFailed(TaskhubError):
    code = "precondition_failed"


class Gone(TaskhubError):
    """What was asked for existed once and is kept no longer (an event past retention)."""

    code = "gone"


class ServiceUnavailable(TaskhubError):
    code = "service_unavailable"


class RateLimited(TaskhubError):
    """A rule of the domain that counts (e.g. verification emails an hour), not the
    request rate limits of the HTTP edge; `retry_after` is in seconds."""

    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


@attrs.frozen
class FieldError:
    """One invalid input field; `field` is a path such as `operations[3].title`."""

    field: str
    message: str


class ValidationFailed(TaskhubError):
    code = "validation_error"

    def __init__(self, errors: Sequence[FieldError], detail: str | None = None) -> None:
        super().__init__(detail or "The request has invalid fields.")
        self.errors = tuple(errors)

    @classmethod
    def single(cls, field: str, message: str) -> "ValidationFailed":
        return cls([FieldError(field, message)])
