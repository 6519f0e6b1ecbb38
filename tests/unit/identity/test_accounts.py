"""Registering, signing in, profile and password changes, through fakes of the ports."""

import pytest

from taskhub.contexts.identity.application.accounts import (
    ChangePassword,
    Register,
    Rename,
    SignIn,
)
from taskhub.contexts.identity.application.sessions import Refresh
from taskhub.contexts.identity.domain.errors import (
    EmailTaken,
    InvalidAccessToken,
    InvalidCredentials,
    InvalidRefreshToken,
)
from taskhub.shared_kernel.errors import NotFound, ValidationFailed
from taskhub.shared_kernel.principal import RequestOrigin
from tests.unit.identity.conftest import Identity

PASSWORD = "correct horse 1"


def register(identity: Identity, email: str = "ada@example.com"):
    return identity.accounts.register(
        Register(email=email, password=PASSWORD, name="Ada", origin=RequestOrigin(ip="203.0.113.9"))
    )


def test_registering_stores_the_user_with_a_hash_and_opens_a_session(identity: Identity) -> None:
    result = register(identity)
    stored = identity.store.users[result.user.id]
    assert stored.email == "ada@example.com"
    assert stored.password_hash != PASSWORD
    assert identity.hasher.verify(PASSWORD, stored.password_hash)
    session = identity.store.sessions[result.session_id]
    assert session.user_id == result.user.id
    assert session.ip == "203.0.113.9"
    assert identity.sessions.authenticate(result.access_token).user_id == result.user.id


def test_emails_are_unique_whatever_their_case(identity: Identity) -> None:
    register(identity, "ada@example.com")
    with pytest.raises(EmailTaken):
        register(identity, " ADA@Example.com ")
    assert len(identity.store.users) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "must be at least 8 characters"),
        ("x1" * 64 + "y", "must be at most 128 characters"),
        ("12345678", "must contain at least one letter"),
        ("abcdefgh", "must contain at least one digit"),
    ],
)
def test_weak_passwords_are_refused_on_the_password_field(
    identity: Identity, password: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        identity.accounts.register(Register(email="a@example.com", password=password, name="A"))
    assert [(e.field, e.message) for e in caught.value.errors] == [("password", message)]
    assert identity.store.users == {}


def test_a_128_character_password_of_any_script_is_accepted(identity: Identity) -> None:
    password = "ü" * 126 + "a1"
    result = identity.accounts.register(
        Register(email="u@example.com", password=password, name="U")
    )
    assert identity.accounts.sign_in(SignIn(email="u@example.com", password=password)).user.id == (
        result.user.id
    )


def test_sign_in_with_any_case_of_the_email(identity: Identity) -> None:
    registered = register(identity)
    signed_in = identity.accounts.sign_in(SignIn(email="ADA@example.com", password=PASSWORD))
    assert signed_in.user.id == registered.user.id
    assert signed_in.session_id != registered.session_id


def test_wrong_password_and_unknown_email_fail_alike_and_spend_the_same_work(
    identity: Identity,
) -> None:
    register(identity)
    with pytest.raises(InvalidCredentials) as wrong_password:
        identity.accounts.sign_in(SignIn(email="ada@example.com", password="nope nope 1"))
    with pytest.raises(InvalidCredentials) as unknown:
        identity.accounts.sign_in(SignIn(email="bob@example.com", password="nope nope 1"))
    assert wrong_password.value.detail == unknown.value.detail
    assert identity.hasher.equal_effort_calls == 1


def test_a_deactivated_user_cannot_sign_in_and_loses_every_session(identity: Identity) -> None:
    result = register(identity)
    assert identity.accounts.set_active("ada@example.com", False) is True
    with pytest.raises(InvalidAccessToken):
        identity.sessions.authenticate(result.access_token)
    with pytest.raises(InvalidRefreshToken):
        identity.sessions.refresh(Refresh(refresh_token=result.refresh_token))
    with pytest.raises(InvalidCredentials):
        identity.accounts.sign_in(SignIn(email="ada@example.com", password=PASSWORD))
    assert identity.accounts.set_active("ada@example.com", True) is True
    assert identity.accounts.sign_in(SignIn(email="ada@example.com", password=PASSWORD))


def test_set_active_for_an_unknown_email_is_not_found(identity: Identity) -> None:
    with pytest.raises(NotFound):
        identity.accounts.set_active("ghost@example.com", False)


def test_rename_changes_only_the_name(identity: Identity) -> None:
    result = register(identity)
    user = identity.accounts.rename(Rename(user_id=result.user.id, name="Countess"))
    assert user.name == "Countess"
    assert identity.store.users[result.user.id].name == "Countess"
    with pytest.raises(ValidationFailed):
        identity.accounts.rename(Rename(user_id=result.user.id, name="   "))


def test_change_password_ends_every_session_and_needs_the_current_password(
    identity: Identity,
) -> None:
    first = register(identity)
    second = identity.accounts.sign_in(SignIn(email="ada@example.com", password=PASSWORD))
    with pytest.raises(ValidationFailed) as wrong:
        identity.accounts.change_password(
            ChangePassword(user_id=first.user.id, current_password="bad", new_password="new pass 2")
        )
    assert wrong.value.errors[0].field == "current_password"
    identity.accounts.change_password(
        ChangePassword(user_id=first.user.id, current_password=PASSWORD, new_password="new pass 2")
    )
    for old in (first, second):
        with pytest.raises(InvalidAccessToken):
            identity.sessions.authenticate(old.access_token)
        with pytest.raises(InvalidRefreshToken):
            identity.sessions.refresh(Refresh(refresh_token=old.refresh_token))
    assert identity.accounts.sign_in(SignIn(email="ada@example.com", password="new pass 2"))
    with pytest.raises(InvalidCredentials):
        identity.accounts.sign_in(SignIn(email="ada@example.com", password=PASSWORD))


def test_change_password_checks_the_new_password_policy(identity: Identity) -> None:
    result = register(identity)
    with pytest.raises(ValidationFailed) as caught:
        identity.accounts.change_password(
            ChangePassword(user_id=result.user.id, current_password=PASSWORD, new_password="weak")
        )
    assert caught.value.errors[0].field == "new_password"
