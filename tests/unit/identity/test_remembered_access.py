"""A session's access is remembered between requests and forgotten by every revocation."""

import pytest

from taskhub.contexts.identity.application.accounts import (
    ChangePassword,
    Register,
    SignIn,
)
from taskhub.contexts.identity.application.remembered_access import (
    user_scope,
)
from taskhub.contexts.identity.application.results import SignedIn
from taskhub.contexts.identity.application.sessions import Refresh
from taskhub.contexts.identity.domain.errors import InvalidAccessToken, InvalidRefreshToken
from tests.unit.answers import MemoryAnswers
from tests.unit.identity.conftest import Identity, build_identity

EMAIL, PASSWORD = "ada@example.com", "correct horse 1"


def signed_up(identity: Identity) -> SignedIn:
    return identity.accounts.register(Register(email=EMAIL, password=PASSWORD, name="Ada"))


def signed_in(identity: Identity, password: str = PASSWORD) -> SignedIn:
    return identity.accounts.sign_in(SignIn(email=EMAIL, password=password))


@pytest.fixture
def identity() -> Identity:
    return build_identity(MemoryAnswers())


def answers_of(identity: Identity) -> MemoryAnswers:
    assert identity.answers is not None
    return identity.answers


def test_a_granted_session_is_asked_once(identity: Identity) -> None:
    tokens = signed_up(identity)
    identity.opened.clear()
    first = identity.sessions.authenticate(tokens.access_token)
    second = identity.sessions.authenticate(tokens.access_token)
    assert first == second
    assert identity.opened == [True]


def test_a_refused_session_is_not_remembered(identity: Identity) -> None:
    tokens = signed_up(identity)
    principal = identity.sessions.authenticate(tokens.access_token)
    identity.sessions.sign_out(principal)
    identity.opened.clear()
    for _ in range(2):
        with pytest.raises(InvalidAccessToken):
            identity.sessions.authenticate(tokens.access_token)
    assert identity.opened == [True, True]


def test_signing_out_forgets_the_users_sessions(identity: Identity) -> None:
    tokens = signed_up(identity)
    principal = identity.sessions.authenticate(tokens.access_token)
    identity.sessions.sign_out(principal)
    assert answers_of(identity).forgotten == [{user_scope(principal.user_id)}]
    with pytest.raises(InvalidAccessToken):
        identity.sessions.authenticate(tokens.access_token)


def test_revoking_another_session_forgets_it(identity: Identity) -> None:
    first = signed_up(identity)
    second = signed_in(identity)
    principal = identity.sessions.authenticate(second.access_token)
    victim = identity.sessions.authenticate(first.access_token)
    assert victim.session_id is not None
    identity.sessions.revoke(principal, victim.session_id)
    with pytest.raises(InvalidAccessToken):
        identity.sessions.authenticate(first.access_token)
    assert identity.sessions.authenticate(second.access_token) == principal


def test_a_reused_refresh_token_forgets_the_session(identity: Identity) -> None:
    tokens = signed_up(identity)
    identity.sessions.authenticate(tokens.access_token)
    identity.sessions.refresh(Refresh(tokens.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        identity.sessions.refresh(Refresh(tokens.refresh_token))
    with pytest.raises(InvalidAccessToken):
        identity.sessions.authenticate(tokens.access_token)


def test_changing_the_password_and_deactivating_forget_every_session(
    identity: Identity,
) -> None:
    tokens = signed_up(identity)
    principal = identity.sessions.authenticate(tokens.access_token)
    identity.accounts.change_password(
        ChangePassword(
            user_id=principal.user_id, current_password=PASSWORD, new_password="brand new 2"
        )
    )
    with pytest.raises(InvalidAccessToken):
        identity.sessions.authenticate(tokens.access_token)

    again = signed_in(identity, "brand new 2")
    identity.sessions.authenticate(again.access_token)
    identity.accounts.set_active(EMAIL, False)
    with pytest.raises(InvalidAccessToken):
        identity.sessions.authenticate(again.access_token)


def test_an_answer_read_before_a_revocation_is_not_kept(identity: Identity) -> None:
    tokens = signed_up(identity)
    principal = identity.sessions.authenticate(tokens.access_token)
    stamp = answers_of(identity).stamp()
    answers_of(identity).answers.clear()
    identity.sessions.sign_out(principal)
    answers_of(identity).remember("late", True, scope=user_scope(principal.user_id), stamp=stamp)
    assert answers_of(identity).recall("late") is None
