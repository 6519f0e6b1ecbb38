"""`Location` on every 201: the URL of what the request created.

A route that answers 201 names where the created resource lives as a template relative
to its group's prefix, like its own path: `location="/members/{user_id}"`. Names in
braces are filled from the request's path parameters first (after a task key became
its id), then from the response body's attributes (`{user.id}` reaches into a nested
one). A route that declares none gets the collection rule: its own path plus the
created body's `id` (`POST /projects` -> `/projects/{id}`), which is what most creates
are. A template that cannot be filled is a programming error, caught by the test that
creates through every 201 route.
"""

import re
from collections.abc import Mapping
from typing import Any

_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)(?::[a-z]+)?\}")

COLLECTION_RULE = "/{id}"
"""What a 201 route without a `location` appends to its own path."""


def created_location(template: str, params: Mapping[str, Any], body: Any) -> str:
    """The template with every `{name}` filled; `KeyError` names one that is missing."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in params:
            return str(params[name])
        found: Any = body
        for part in name.split("."):
            if found is None or not hasattr(found, part):
                raise KeyError(f"{template}: nothing named {name!r} to fill it with")
            found = getattr(found, part)
        return str(found)

    return _NAME.sub(value, template)


def location_route(template: str) -> str:
    """The template with its names blanked (`{}`), to compare it with route paths."""
    return _NAME.sub("{}", template)
