"""Explicit character classes match exactly what their predicate accepts, everywhere."""

import re

import pytest

from taskhub.shared_kernel.character_classes import class_ranges


@pytest.mark.parametrize("predicate", [str.isalpha, str.isdigit, str.isspace])
def test_a_class_matches_exactly_the_characters_of_its_predicate(predicate: object) -> None:
    assert callable(predicate)
    matches = re.compile(f"[{class_ranges(predicate)}]").fullmatch
    wrong = [code for code in range(0x110000) if bool(matches(chr(code))) != predicate(chr(code))]
    assert wrong == []


def test_a_class_is_written_without_shorthands_that_dialects_read_differently() -> None:
    ranges = class_ranges(str.isspace)
    assert ranges.startswith("\\u0009-\\u000d")
    for shorthand in ("\\w", "\\d", "\\s", "\\p"):
        assert shorthand not in ranges
