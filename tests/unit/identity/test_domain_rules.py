"""Identity's domain rules: emails, passwords, names, sessions."""

from datetime import UTC, datetime

import pytest

from taskhub.contexts.identity.domain.email import canonical_email, validated_email
from taskhub.contexts.identity.domain.events import ProfileUpdated, SessionRevoked, UserRegistered
from taskhub.contexts.identity.domain.password_policy import password_problem
from taskhub.contexts.identity.domain.session import RevokeReason, Session
from taskhub.contexts.identity.domain.user import User
from taskhub.shared_kernel.errors import ValidationFailed

NOW = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["", "plain", "a@b", "two@@example.com", "sp ace@example.com"])
def test_malformed_emails_are_refused(raw: str) -> None:
    with pytest.raises(ValidationFailed):
        validated_email(raw)


def test_emails_are_trimmed_and_compared_case_insensitively() -> None:
    assert validated_email("  Ada@Example.com ") == "Ada@Example.com"
    assert canonical_email(" Ada@Example.com ") == "ada@example.com"


def test_an_email_over_254_characters_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        validated_email("a" * 250 + "@x.io")


@pytest.mark.parametrize(
    ("password", "ok"),
    [("abcdefg1", True), ("abcdef1", False), ("ABCDEFGH", False), ("1234567a", True)],
)
def test_password_policy(password: str, ok: bool) -> None:
    assert (password_problem(password) is None) is ok


def test_registering_records_an_event_and_rejects_a_blank_name() -> None:
    user = User.register(email="a@example.com", name="A", password_hash="h", now=NOW)
    assert [type(e) for e in user.pull_events()] == [UserRegistered]
    with pytest.raises(ValidationFailed):
        User.register(email="a@example.com", name="  ", password_hash="h", now=NOW)


def test_renaming_records_the_change_only_when_there_is_one() -> None:
    user = User.register(email="a@example.com", name="A", password_hash="h", now=NOW)
    user.pull_events()
    user.rename("A", NOW)
    assert user.pull_events() == []
    user.rename("B", NOW)
    (event,) = user.pull_events()
    assert isinstance(event, ProfileUpdated)
    assert event.changes == {"name": ("A", "B")}


def test_a_session_is_revoked_once() -> None:
    session = Session.start(
        user_id=User.register(email="a@b.co", name="A", password_hash="h", now=NOW).id,
        now=NOW,
        ip=None,
        user_agent=None,
    )
    assert session.revoke(NOW, RevokeReason.SIGN_OUT) is True
    assert session.revoke(NOW, RevokeReason.USER_REVOKED) is False
    assert session.revoke_reason == RevokeReason.SIGN_OUT
    assert [type(e) for e in session.pull_events()] == [SessionRevoked]
