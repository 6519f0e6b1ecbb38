"""The one form in which names and emails are compared, indexed and measured.

Uniqueness "ignoring case" is checked on a stored canonical copy. Lower-casing can make
text longer ("İ" becomes "i" plus a combining dot), so a limit checked on what the
client sent does not bound the copy; every limit on such a field is checked on
`canonical_length`, which is the length of exactly what is stored.
"""

import unicodedata


def canonical(text: str) -> str:
    """Trimmed, lower-cased and NFC-composed: the value case-insensitive rules compare."""
    return unicodedata.normalize("NFC", text.strip().lower())


def canonical_length(text: str) -> int:
    return len(canonical(text))


def canonical_too_long(text: str, max_length: int) -> str | None:
    """The complaint for a value whose canonical copy exceeds `max_length`, if it does."""
    if canonical_length(text) > max_length:
        return f"must be at most {max_length} characters once lower-cased"
    return None
