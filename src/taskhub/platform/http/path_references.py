"""Path parameters that name a resource by its id or by its human key.

A task is `ENG-42` in commit messages and chat links, so wherever a path holds
`{task_id}` it is declared `{task_id:task}`: the segment is a UUID, or a key (the
project key in any case, a dash, the number). The router turns a key into a
`KeyReference`; the dispatcher resolves it to the id through the resolver the
composition root registered for its kind, after the caller's membership was checked and
before any handler runs, so handlers only ever see ids. A key that names nothing in the
organization is a 404, like an unknown id.
"""

import re
import uuid
from typing import Protocol

import attrs
from falcon.routing import BaseConverter

_KEY = re.compile(r"([A-Za-z][A-Za-z0-9]{1,9})-([0-9]{1,9})")


@attrs.frozen
class KeyReference:
    """A resource named by its key: the prefix (upper case) and the number."""

    kind: str
    prefix: str
    number: int


class KeyResolver(Protocol):
    def id_for_key(self, org_id: uuid.UUID, prefix: str, number: int) -> uuid.UUID | None:
        """The id of the live resource with this key in the organization, if any."""
        ...


class TaskReferenceConverter(BaseConverter):
    """`{name:task}`: a UUID, or a task key such as ENG-42 (case-insensitive)."""

    def convert(self, value: str) -> uuid.UUID | KeyReference | None:
        match = _KEY.fullmatch(value)
        if match:
            return KeyReference("task", match.group(1).upper(), int(match.group(2)))
        if len(value) > 45 or not value.isascii():
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            return None


REFERENCE_CONVERTERS: dict[str, type[BaseConverter]] = {"task": TaskReferenceConverter}
"""Path parameter kinds besides `uuid`, registered on the router by name."""
