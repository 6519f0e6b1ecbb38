"""The feed's `types` patterns expand to known types, or are refused on `types`."""

import pytest

from taskhub.contexts.integrations.domain.feed import MAX_TYPE_PATTERNS, types_matching
from taskhub.shared_kernel.errors import ValidationFailed

KNOWN = {"task.created", "task.updated", "comment.created", "team.member_added"}


def test_patterns_expand_to_known_types() -> None:
    assert types_matching(["task.*"], KNOWN) == {"task.created", "task.updated"}
    assert types_matching(["task.created", "comment.*"], KNOWN) == {
        "task.created",
        "comment.created",
    }
    assert types_matching(["team.*"], KNOWN) == {"team.member_added"}
    assert types_matching(["task.*", "*"], KNOWN) is None


@pytest.mark.parametrize(
    "patterns",
    [["tas.*"], ["task.deleted"], [""], ["Task.*"], ["task"], ["task.**"], ["*.created"]],
)
def test_a_pattern_naming_nothing_known_is_refused(patterns: list[str]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        types_matching(patterns, KNOWN)
    assert [e.field for e in refused.value.errors] == ["types"]


def test_too_many_patterns_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        types_matching(["task.*"] * (MAX_TYPE_PATTERNS + 1), KNOWN)
