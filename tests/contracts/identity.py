"""The contract every implementation of identity's repositories keeps.

Run against the in-memory fakes (tests/unit) and the SQL adapters on SQLite and
PostgreSQL (tests/integration): a fake that passes here behaves like the database.
Subclasses provide `uow_factory`, a fixture returning a callable that opens a unit of work.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from taskhub.contexts.identity.application.ports import IdentityUnitOfWork
from taskhub.contexts.identity.domain.api_key import ApiKey
from taskhub.contexts.identity.domain.errors import EmailTaken
from taskhub.contexts.identity.domain.session import RefreshToken, RevokeReason, Session
from taskhub.contexts.identity.domain.user import User
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.roles import Role

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)

UowFactory = Callable[[], IdentityUnitOfWork]


def new_user(email: str = "ada@example.com", name: str = "Ada") -> User:
    return User.register(email=email, name=name, password_hash="hash", now=NOW)


def deactivate(uow_factory: UowFactory, user: User) -> None:
    with uow_factory() as uow:
        loaded = uow.users.get(user.id)
        assert loaded is not None
        loaded.set_active(False, NOW)
        uow.users.update(loaded)
        uow.commit()


class IdentityRepositoryContract:
    def test_a_stored_user_reads_back_equal(self, uow_factory: UowFactory) -> None:
        user = new_user()
        with uow_factory() as uow:
            uow.users.add(user)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.users.get(user.id)
        assert loaded is not None
        assert (loaded.id, loaded.email, loaded.name, loaded.password_hash, loaded.is_active) == (
            user.id,
            "ada@example.com",
            "Ada",
            "hash",
            True,
        )
        assert loaded.created_at == NOW

    def test_email_lookup_ignores_case_and_keeps_the_original(
        self, uow_factory: UowFactory
    ) -> None:
        with uow_factory() as uow:
            uow.users.add(new_user(email="Ada@Example.COM"))
            uow.commit()
        with uow_factory() as uow:
            found = uow.users.get_by_email("ada@example.com")
        assert found is not None
        assert found.email == "Ada@Example.COM"

    def test_a_second_user_with_the_same_email_in_any_case_is_refused(
        self, uow_factory: UowFactory
    ) -> None:
        with uow_factory() as uow:
            uow.users.add(new_user(email="ada@example.com"))
            uow.commit()
        with uow_factory() as uow, pytest.raises(EmailTaken):
            uow.users.add(new_user(email="ADA@example.com"))

    def test_nothing_is_kept_without_commit(self, uow_factory: UowFactory) -> None:
        user = new_user()
        with uow_factory() as uow:
            uow.users.add(user)
        with uow_factory() as uow:
            assert uow.users.get(user.id) is None

    def test_updates_are_persisted(self, uow_factory: UowFactory) -> None:
        user = new_user()
        with uow_factory() as uow:
            uow.users.add(user)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.users.get(user.id)
            assert loaded is not None
            loaded.rename("Countess", NOW + timedelta(minutes=1))
            loaded.set_active(False, NOW + timedelta(minutes=1))
            uow.users.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            again = uow.users.get(user.id)
        assert again is not None
        assert (again.name, again.is_active) == ("Countess", False)
        assert again.updated_at == NOW + timedelta(minutes=1)

    def _user_with_sessions(
        self, uow_factory: UowFactory, count: int
    ) -> tuple[User, list[Session]]:
        user = new_user()
        sessions = [
            Session.start(
                user_id=user.id, now=NOW + timedelta(minutes=i), ip="10.0.0.1", user_agent="ua"
            )
            for i in range(count)
        ]
        with uow_factory() as uow:
            uow.users.add(user)
            for session in sessions:
                uow.sessions.add(session)
            uow.commit()
        return user, sessions

    def _sign_out(self, uow_factory: UowFactory, session: Session) -> None:
        with uow_factory() as uow:
            revoked = uow.sessions.get(session.id)
            assert revoked is not None
            revoked.revoke(NOW, RevokeReason.SIGN_OUT)
            uow.sessions.update(revoked)
            uow.commit()

    def test_live_sessions_are_listed_most_recent_first_without_revoked_ones(
        self, uow_factory: UowFactory
    ) -> None:
        user, sessions = self._user_with_sessions(uow_factory, 3)
        self._sign_out(uow_factory, sessions[1])
        with uow_factory() as uow:
            live = uow.sessions.live(user.id)
            stored = uow.sessions.get(sessions[1].id)
        assert [s.id for s in live] == [sessions[2].id, sessions[0].id]
        assert stored is not None
        assert stored.revoked_at == NOW
        assert stored.revoke_reason == RevokeReason.SIGN_OUT

    def test_live_sessions_page_newest_first_by_creation(self, uow_factory: UowFactory) -> None:
        user, sessions = self._user_with_sessions(uow_factory, 5)
        self._sign_out(uow_factory, sessions[3])
        seen: list[uuid.UUID] = []
        after = None
        for _ in range(3):
            with uow_factory() as uow:
                page = uow.sessions.page_live(user.id, PageRequest(limit=2, after=after))
            seen.extend(s.id for s in page.items)
            after = page.next_after
            if after is None:
                break
        assert after is None
        assert seen == [sessions[i].id for i in (4, 2, 1, 0)]

    def test_a_token_is_found_by_its_digest_and_retired_exactly_once(
        self, uow_factory: UowFactory
    ) -> None:
        _, sessions = self._user_with_sessions(uow_factory, 1)
        token = RefreshToken.issue(
            session_id=sessions[0].id, token_hash="d" * 64, now=NOW, ttl_seconds=60
        )
        with uow_factory() as uow:
            uow.sessions.add_token(token)
            uow.commit()
        with uow_factory() as uow:
            found = uow.sessions.find_token("d" * 64)
            assert found is not None
            assert found.expires_at == NOW + timedelta(seconds=60)
            assert found.rotated_at is None
            assert uow.sessions.retire_token(token.id, NOW) is True
            assert uow.sessions.retire_token(token.id, NOW) is False
            uow.commit()
        with uow_factory() as uow:
            found = uow.sessions.find_token("d" * 64)
            assert uow.sessions.find_token("e" * 64) is None
        assert found is not None
        assert found.rotated_at == NOW

    def test_access_needs_a_live_session_of_the_user_and_an_active_user(
        self, uow_factory: UowFactory
    ) -> None:
        user, (session, other) = self._user_with_sessions(uow_factory, 2)
        stranger = new_user(email="bob@example.com")
        with uow_factory() as uow:
            uow.users.add(stranger)
            revoked = uow.sessions.get(other.id)
            assert revoked is not None
            revoked.revoke(NOW, RevokeReason.SIGN_OUT)
            uow.sessions.update(revoked)
            uow.commit()
        with uow_factory() as uow:
            assert uow.sessions.grants_access(session.id, user.id) is True
            assert uow.sessions.grants_access(other.id, user.id) is False
            assert uow.sessions.grants_access(session.id, stranger.id) is False
        deactivate(uow_factory, user)
        with uow_factory() as uow:
            assert uow.sessions.grants_access(session.id, user.id) is False

    def test_a_key_grants_access_only_while_its_creator_is_active(
        self, uow_factory: UowFactory
    ) -> None:
        user = new_user()
        key = ApiKey.issue(
            org_id=new_id(),
            name="ci",
            role=Role.MEMBER,
            creator_role=Role.OWNER,
            created_by=user.id,
            secret="thk_secret",
            key_hash="k" * 64,
            now=NOW,
            expires_at=None,
        )
        with uow_factory() as uow:
            uow.users.add(user)
            uow.api_keys.add(key)
            uow.commit()
        with uow_factory() as uow:
            found = uow.api_keys.find_granting_access("k" * 64)
            assert uow.api_keys.find_granting_access("j" * 64) is None
        assert found is not None
        assert found.id == key.id
        deactivate(uow_factory, user)
        with uow_factory() as uow:
            assert uow.api_keys.find_granting_access("k" * 64) is None
