"""Refresh rotation, reuse detection, sign-out and session revocation."""

import pytest

from taskhub.contexts.identity.application.accounts import Register, SignIn
from taskhub.contexts.identity.application.sessions import Refresh
from taskhub.contexts.identity.domain.errors import InvalidAccessToken, InvalidRefreshToken
from taskhub.contexts.identity.domain.session import RevokeReason
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.principal import Principal, PrincipalKind
from tests.unit.identity.conftest import REFRESH_TTL, Identity


def signed_up(identity: Identity):
    return identity.accounts.register(
        Register(email="ada@example.com", password="correct horse 1", name="Ada")
    )


def principal_of(identity: Identity, access_token: str) -> Principal:
    return identity.sessions.authenticate(access_token)


def test_refresh_rotates_within_the_same_session(identity: Identity) -> None:
    first = signed_up(identity)
    second = identity.sessions.refresh(Refresh(refresh_token=first.refresh_token))
    assert second.session_id == first.session_id
    assert second.refresh_token != first.refresh_token
    assert principal_of(identity, second.access_token).session_id == first.session_id


def test_a_rotated_token_presented_again_revokes_the_whole_family(identity: Identity) -> None:
    first = signed_up(identity)
    second = identity.sessions.refresh(Refresh(refresh_token=first.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        identity.sessions.refresh(Refresh(refresh_token=first.refresh_token))
    session = identity.store.sessions[first.session_id]
    assert session.revoke_reason == RevokeReason.TOKEN_REUSE
    with pytest.raises(InvalidRefreshToken):
        identity.sessions.refresh(Refresh(refresh_token=second.refresh_token))
    with pytest.raises(InvalidAccessToken):
        principal_of(identity, second.access_token)


def test_an_expired_refresh_token_is_refused(identity: Identity) -> None:
    first = signed_up(identity)
    identity.clock.advance(seconds=REFRESH_TTL + 1)
    with pytest.raises(InvalidRefreshToken):
        identity.sessions.refresh(Refresh(refresh_token=first.refresh_token))


def test_each_rotation_gets_a_fresh_lifetime(identity: Identity) -> None:
    token = signed_up(identity).refresh_token
    for _ in range(3):
        identity.clock.advance(seconds=REFRESH_TTL - 10)
        token = identity.sessions.refresh(Refresh(refresh_token=token)).refresh_token


def test_an_unknown_refresh_token_is_refused(identity: Identity) -> None:
    signed_up(identity)
    with pytest.raises(InvalidRefreshToken):
        identity.sessions.refresh(Refresh(refresh_token="made-up"))


def test_sign_out_kills_the_refresh_token_and_the_access_token(identity: Identity) -> None:
    result = signed_up(identity)
    identity.sessions.sign_out(principal_of(identity, result.access_token))
    with pytest.raises(InvalidRefreshToken):
        identity.sessions.refresh(Refresh(refresh_token=result.refresh_token))
    with pytest.raises(InvalidAccessToken):
        principal_of(identity, result.access_token)


def test_sessions_are_listed_with_the_current_one_marked(identity: Identity) -> None:
    first = signed_up(identity)
    identity.clock.advance(minutes=1)
    second = identity.accounts.sign_in(SignIn(email="ada@example.com", password="correct horse 1"))
    views = identity.sessions.page_live(
        principal_of(identity, second.access_token), PageRequest()
    ).items
    assert [(v.session.id, v.current) for v in views] == [
        (second.session_id, True),
        (first.session_id, False),
    ]


def test_revoking_a_session_ends_it_and_only_it(identity: Identity) -> None:
    first = signed_up(identity)
    second = identity.sessions.refresh(Refresh(refresh_token=first.refresh_token))
    other = identity.accounts.sign_in(SignIn(email="ada@example.com", password="correct horse 1"))
    me = principal_of(identity, other.access_token)
    identity.sessions.revoke(me, first.session_id)
    with pytest.raises(InvalidRefreshToken):
        identity.sessions.refresh(Refresh(refresh_token=second.refresh_token))
    assert principal_of(identity, other.access_token).session_id == other.session_id
    with pytest.raises(NotFound):
        identity.sessions.revoke(me, first.session_id)


def test_nobody_can_revoke_another_users_session(identity: Identity) -> None:
    ada = signed_up(identity)
    bob = identity.accounts.register(
        Register(email="bob@example.com", password="correct horse 1", name="Bob")
    )
    with pytest.raises(NotFound):
        identity.sessions.revoke(principal_of(identity, bob.access_token), ada.session_id)
    assert identity.store.sessions[ada.session_id].is_live


def test_a_token_for_a_session_of_another_user_is_refused(identity: Identity) -> None:
    ada = signed_up(identity)
    forged = f"access:{ada.user.id}:{ada.session_id}:x".replace(
        str(ada.user.id), str(ada.session_id)
    )
    with pytest.raises(InvalidAccessToken):
        principal_of(identity, forged)


def test_principals_are_users(identity: Identity) -> None:
    result = signed_up(identity)
    principal = principal_of(identity, result.access_token)
    assert principal.kind is PrincipalKind.USER
    assert principal.user_id == result.user.id
