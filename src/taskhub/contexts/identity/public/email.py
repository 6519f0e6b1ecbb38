"""What an email address looks like, for every context that takes one.

`name@domain.tld`: no `@` or whitespace in any part, a dot in the domain. Whitespace is
Python's (`str.isspace`) spelled out as code points, and NUL is excluded, so the pattern
means the same to the server's `re` and to the ECMA-262 dialect of the OpenAPI document,
which declares it without `format: email` (tools read that as RFC 5322, which is
stricter than this rule).
"""

from taskhub.shared_kernel.character_classes import class_ranges

_PART = f"[^@\\u0000{class_ranges(str.isspace)}]+"

EMAIL_PATTERN = f"{_PART}@{_PART}\\.{_PART}"
"""For `re.fullmatch`; `fields.text` anchors it for the document."""

EMAIL_MESSAGE = "must be an email address"
