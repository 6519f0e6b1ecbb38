"""Regex character classes spelled out code point by code point.

A rule such as "a letter of any alphabet" is `str.isalpha` in Python, but `\\w`, `\\d`
and `\\s` mean different things in Python's `re` (Unicode) and in the ECMA-262 dialect
that JSON Schema patterns use (ASCII, or Unicode properties that `re` lacks). A class
listed as explicit ranges means the same in both, so one pattern can validate a request
on the server and describe it in the OpenAPI document without the two disagreeing.
"""

from collections.abc import Callable, Iterator

_LAST_SCANNED = 0x3FFFF
"""Planes 0-3: no letter, digit or space is assigned beyond them (planes 4-13 are
unassigned, 14 holds tags and variation selectors, 15-16 private use)."""


def _ranges(predicate: Callable[[str], bool]) -> Iterator[tuple[int, int]]:
    start: int | None = None
    for code in range(_LAST_SCANNED + 2):
        if code <= _LAST_SCANNED and predicate(chr(code)):
            if start is None:
                start = code
        elif start is not None:
            yield start, code - 1
            start = None


def _escaped(code: int) -> str:
    # BMP code points as \uXXXX (read alike by `re` and ECMA-262); others as themselves,
    # which both read as one character (ECMA-262 with the `u` flag JSON Schema asks for).
    return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)


def class_ranges(predicate: Callable[[str], bool]) -> str:
    """The inside of a `[...]` class matching exactly the characters `predicate` accepts."""
    parts = []
    for first, last in _ranges(predicate):
        parts.append(_escaped(first) if first == last else f"{_escaped(first)}-{_escaped(last)}")
    return "".join(parts)
