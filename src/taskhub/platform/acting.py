"""The contextvar behind `ActingSource`: one value per request or command, per thread."""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from taskhub.shared_kernel.acting import Acting

# Acting is frozen, so one shared default is safe.
_current: contextvars.ContextVar[Acting] = contextvars.ContextVar(
    "taskhub_acting",
    default=Acting(),  # noqa: B039
)


class ContextActingSource:
    def current(self) -> Acting:
        return _current.get()


def bind_acting(acting: Acting) -> contextvars.Token[Acting]:
    return _current.set(acting)


def reset_acting(token: contextvars.Token[Acting]) -> None:
    _current.reset(token)


@contextmanager
def acting_as(acting: Acting) -> Iterator[None]:
    token = bind_acting(acting)
    try:
        yield
    finally:
        reset_acting(token)
