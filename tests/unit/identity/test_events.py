"""Account events reach the user's security log; API-key events the organization's."""

import uuid

import pytest

from taskhub.contexts.identity.application.accounts import ChangePassword, Register, SignIn
from taskhub.contexts.identity.application.sessions import Refresh
from taskhub.contexts.identity.domain.errors import InvalidCredentials, InvalidRefreshToken
from tests.unit.identity.conftest import Identity


def security_log(identity: Identity, user_id: uuid.UUID) -> list[str]:
    facts = [e.audit_facts() for e in identity.store.events]
    return [f.action for f in facts if f is not None and f.user_id == user_id and f.org_id is None]


def test_account_events_are_audited_for_the_user(identity: Identity) -> None:
    ada = identity.accounts.register(
        Register(email="ada@example.com", password="correct horse 1", name="Ada")
    )
    with pytest.raises(InvalidCredentials):
        identity.accounts.sign_in(SignIn(email="ada@example.com", password="wrong one 1"))
    second = identity.accounts.sign_in(SignIn(email="ada@example.com", password="correct horse 1"))
    rotated = identity.sessions.refresh(Refresh(refresh_token=second.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        identity.sessions.refresh(Refresh(refresh_token=second.refresh_token))
    identity.accounts.change_password(
        ChangePassword(
            user_id=ada.user.id, current_password="correct horse 1", new_password="new pass 22"
        )
    )
    assert rotated.session_id == second.session_id
    assert security_log(identity, ada.user.id) == [
        "user.registered",
        "user.sign_in_failed",
        "user.signed_in",
        "session.refresh_token_reused",
        "session.revoked",
        "user.password_changed",
        "session.revoked",
    ]


def test_unknown_emails_leave_no_trace(identity: Identity) -> None:
    with pytest.raises(InvalidCredentials):
        identity.accounts.sign_in(SignIn(email="ghost@example.com", password="x"))
    assert identity.store.events == []


def test_no_secret_or_hash_reaches_an_audit_entry(identity: Identity) -> None:
    identity.accounts.register(
        Register(email="ada@example.com", password="correct horse 1", name="Ada")
    )
    identity.accounts.sign_in(SignIn(email="ada@example.com", password="correct horse 1"))
    text = repr([e.audit_facts() for e in identity.store.events])
    assert "correct horse 1" not in text
    assert "fake$" not in text
