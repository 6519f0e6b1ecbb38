"""Board ranks: fractional-indexing keys (base 62, ordered by byte value), so a task
takes a place between two others by getting a key between theirs, and no other task's
rank is rewritten.

The keys come from `fractional-indexing` (a port of the algorithm Figma and Linear
describe); this module is the one place that calls it.
"""

from fractional_indexing import generate_key_between, generate_n_keys_between


def rank_between(before: str | None, after: str | None) -> str:
    """A rank after `before` and before `after` (None: the start or the end)."""
    key: str = generate_key_between(before, after)
    return key


def ranks_after(last: str | None, count: int) -> list[str]:
    """`count` ascending ranks after `last`, for tasks created together."""
    keys: list[str] = generate_n_keys_between(last, None, count)
    return keys
