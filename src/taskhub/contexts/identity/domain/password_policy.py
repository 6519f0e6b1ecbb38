"""What a password must be: 8-128 characters with at least one letter and one digit.

Length is counted in characters, as people count; the byte length that bcrypt cares
about is the hasher's problem, solved there without truncating anything.

"Letter" and "digit" are any alphabet's (`str.isalpha`, `str.isdigit`), spelled out as
explicit character classes so that `PASSWORD_PATTERN`, which this policy checks with,
is also the pattern the OpenAPI document declares: clients and fuzzers generate from
exactly the rule the server applies.
"""

import re

from taskhub.shared_kernel.character_classes import class_ranges
from taskhub.shared_kernel.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128

_LETTER = f"[{class_ranges(str.isalpha)}]"
_DIGIT = f"[{class_ranges(str.isdigit)}]"
_ANY = "[^\\u0000]*"  # NUL never reaches here: the HTTP layer refuses it in every string

PASSWORD_PATTERN = f"(?:{_ANY}{_LETTER}{_ANY}{_DIGIT}{_ANY}|{_ANY}{_DIGIT}{_ANY}{_LETTER}{_ANY})"
"""A letter and a digit in either order, for `re.fullmatch` (unanchored, so that
`fields.text` can anchor it for the document)."""

STRENGTH_RULE = "8-128 characters with at least one letter and one digit (any alphabet)."

_HAS_LETTER = re.compile(_LETTER)
_HAS_DIGIT = re.compile(_DIGIT)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    # The two searches are PASSWORD_PATTERN taken apart, to say which half is missing.
    if not _HAS_LETTER.search(password):
        return "must contain at least one letter"
    if not _HAS_DIGIT.search(password):
        return "must contain at least one digit"
    return None


def check_password(password: str, field: str = "password") -> None:
    problem = password_problem(password)
    if problem is not None:
        raise ValidationFailed.single(field, problem)
