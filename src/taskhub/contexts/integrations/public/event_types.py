"""Which event types a reader asks for, as the feed and the live stream read `types`.

A type pattern is a known type (`comment.created`), an entity's every type (`task.*`)
or every type (`*`). Patterns are expanded against the catalogue, so a misspelt one is
refused instead of silently matching nothing, and the store filters by exact names.
"""

import re
from collections.abc import Collection, Iterable

from taskhub.shared_kernel.errors import ValidationFailed

MAX_TYPE_PATTERNS = 50
_PATTERN = re.compile(r"\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*)")


def types_matching(patterns: Iterable[str], known: Collection[str]) -> frozenset[str] | None:
    """The known types the patterns name (None: every type); a pattern that is malformed
    or names no known type is a 422 on `types`."""
    patterns = list(patterns)
    if len(patterns) > MAX_TYPE_PATTERNS:
        raise ValidationFailed.single("types", f"must name at most {MAX_TYPE_PATTERNS} patterns")
    chosen: set[str] = set()
    for pattern in patterns:
        if not _PATTERN.fullmatch(pattern):
            raise ValidationFailed.single(
                "types", f"{pattern!r} must be an event type, `<entity>.*` or `*`"
            )
        if pattern == "*":
            return None
        matched = _matches(pattern, known)
        if not matched:
            raise ValidationFailed.single("types", f"{pattern!r} names no known event type")
        chosen |= matched
    return frozenset(chosen)


def _matches(pattern: str, known: Collection[str]) -> set[str]:
    if pattern.endswith(".*"):
        prefix = pattern[:-1]
        return {name for name in known if name.startswith(prefix)}
    return {pattern} & set(known)
