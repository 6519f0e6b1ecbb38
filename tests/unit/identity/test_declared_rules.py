"""The patterns the document declares for passwords and emails are the server's rules.

The domain checks with the same patterns; these tests pin that a string the pattern
refuses is refused by the policy and the other way round, across alphabets.
"""

import re

import pytest

from taskhub.contexts.identity.domain.email import validated_email
from taskhub.contexts.identity.domain.password_policy import PASSWORD_PATTERN, password_problem
from taskhub.contexts.identity.public.email import EMAIL_PATTERN
from taskhub.shared_kernel.errors import ValidationFailed

_PASSWORDS = [
    ("correct horse 1", True),
    ("1correcthorse", True),
    ("\u043f\u0430\u0440\u043e\u043b\u044c-\u0434\u0432\u0430 7", True),  # Cyrillic letters
    ("密码密码密码密码٣", True),  # CJK letters, an Arabic-Indic digit
    ("abcdefg²", True),  # a superscript two is a digit to str.isdigit
    ("12345678", False),
    ("abcdefgh", False),
    ("!!!!!!!!", False),
    ("½½½½½½½a", False),  # a vulgar fraction is numeric, not a digit
    ("Ⅻ1111111", False),  # a Roman numeral is a number, not a letter
]


@pytest.mark.parametrize(("password", "accepted"), _PASSWORDS)
def test_the_password_pattern_and_the_policy_agree(password: str, accepted: bool) -> None:
    assert bool(re.fullmatch(PASSWORD_PATTERN, password)) is accepted
    assert (password_problem(password) is None) is accepted


def test_the_password_pattern_reads_the_same_anchored_as_in_the_document() -> None:
    anchored = re.compile(f"^{PASSWORD_PATTERN}$")
    for password, accepted in _PASSWORDS:
        assert bool(anchored.search(password)) is accepted


_EMAILS = [
    ("ada@example.com", True),
    ("ADA+tag@sub.example.co", True),
    ("jürgen@bücher.de", True),
    ("ada@example", False),
    ("ada.example.com", False),
    ("ada@@example.com", False),
    ("ada lovelace@example.com", False),
    ("ada@exam\u00a0ple.com", False),  # no-break space, whitespace to str.isspace
    ("ada@exam\u2003ple.com", False),  # em space
    ("ada@exam\x1cple.com", False),  # a separator Python counts as whitespace
    ("ada@example.com\n", False),
]


@pytest.mark.parametrize(("email", "accepted"), _EMAILS)
def test_the_email_pattern_and_the_domain_rule_agree(email: str, accepted: bool) -> None:
    assert bool(re.fullmatch(EMAIL_PATTERN, email)) is accepted
    if accepted:
        assert validated_email(email) == email
    elif email == email.strip():
        with pytest.raises(ValidationFailed):
            validated_email(email)


def test_the_email_pattern_refuses_nul() -> None:
    assert re.fullmatch(EMAIL_PATTERN, "ada@exa\x00mple.com") is None
