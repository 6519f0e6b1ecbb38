"""Fakes of identity's ports."""

import hashlib
import itertools
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from taskhub.contexts.identity.application.ports import AccessClaims, IssuedAccessToken
from taskhub.contexts.identity.application.testing.fake_email_tokens import (
    FakeEmailTokenRepository,
)
from taskhub.contexts.identity.domain.api_key import ApiKey
from taskhub.contexts.identity.domain.email import canonical_email
from taskhub.contexts.identity.domain.email_token import EmailToken
from taskhub.contexts.identity.domain.errors import EmailTaken, InvalidAccessToken
from taskhub.contexts.identity.domain.session import RefreshToken, Session
from taskhub.contexts.identity.domain.user import User
from taskhub.shared_kernel.canonical_text import canonical
from taskhub.shared_kernel.events import DomainEvent, EventRecorder
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.staged_unit_of_work import StagedUnitOfWork, stored_copy


class IdentityStore:
    """The 'database' the fakes share across units of work."""

    def __init__(self) -> None:
        self.users: dict[uuid.UUID, User] = {}
        self.sessions: dict[uuid.UUID, Session] = {}
        self.tokens: dict[uuid.UUID, RefreshToken] = {}
        self.api_keys: dict[uuid.UUID, ApiKey] = {}
        self.email_tokens: dict[uuid.UUID, EmailToken] = {}
        # Events of committed units of work, in commit order.
        self.events: list[DomainEvent] = []


class FakeUserRepository:
    def __init__(self, store: IdentityStore) -> None:
        self._store = store
        self.seen: list[User] = []

    def add(self, user: User) -> None:
        if any(u.canonical_email == user.canonical_email for u in self._store.users.values()):
            raise EmailTaken()
        self._store.users[user.id] = stored_copy(user)
        self.seen.append(user)

    def get(self, user_id: uuid.UUID) -> User | None:
        user = self._store.users.get(user_id)
        return self._track(stored_copy(user)) if user else None

    def get_by_email(self, email: str) -> User | None:
        wanted = canonical_email(email)
        for user in self._store.users.values():
            if user.canonical_email == wanted:
                return self._track(stored_copy(user))
        return None

    def update(self, user: User) -> None:
        if user.id in self._store.users:
            self._store.users[user.id] = stored_copy(user)

    def get_many(self, user_ids: list[uuid.UUID]) -> list[User]:
        return [stored_copy(self._store.users[i]) for i in user_ids if i in self._store.users]

    def search(self, text: str | None, active: bool | None, page: PageRequest) -> Page[User]:
        wanted = canonical(text) if text else ""
        found = [
            stored_copy(u)
            for u in self._store.users.values()
            if (wanted in u.canonical_email or wanted in u.name.lower())
            and (active is None or u.is_active == active)
        ]
        return keyset_page(found, page, by_time_then_id(creation_key, descending=True))

    def _track(self, user: User) -> User:
        self.seen.append(user)
        return user


class FakeSessionRepository:
    def __init__(self, store: IdentityStore) -> None:
        self._store = store
        self.seen: list[Session] = []

    def add(self, session: Session) -> None:
        self._store.sessions[session.id] = stored_copy(session)
        self.seen.append(session)

    def get(self, session_id: uuid.UUID) -> Session | None:
        session = self._store.sessions.get(session_id)
        return self._track(stored_copy(session)) if session else None

    def update(self, session: Session) -> None:
        if session.id in self._store.sessions:
            self._store.sessions[session.id] = stored_copy(session)

    def live(self, user_id: uuid.UUID) -> list[Session]:
        live = [
            s
            for s in self._store.sessions.values()
            if s.user_id == user_id and s.revoked_at is None
        ]
        live.sort(key=lambda s: (-s.last_used_at.timestamp(), s.id))
        return [self._track(stored_copy(s)) for s in live]

    def page_live(self, user_id: uuid.UUID, page: PageRequest) -> Page[Session]:
        live = [
            self._track(stored_copy(s))
            for s in self._store.sessions.values()
            if s.user_id == user_id and s.revoked_at is None
        ]
        return keyset_page(live, page, by_time_then_id(creation_key, descending=True))

    def grants_access(self, session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        session = self._store.sessions.get(session_id)
        user = self._store.users.get(user_id)
        return (
            session is not None
            and session.revoked_at is None
            and session.user_id == user_id
            and user is not None
            and user.is_active
        )

    def add_token(self, token: RefreshToken) -> None:
        self._store.tokens[token.id] = stored_copy(token)

    def find_token(self, token_hash: str) -> RefreshToken | None:
        for token in self._store.tokens.values():
            if token.token_hash == token_hash:
                return stored_copy(token)
        return None

    def retire_token(self, token_id: uuid.UUID, now: datetime) -> bool:
        token = self._store.tokens.get(token_id)
        if token is None or token.rotated_at is not None:
            return False
        token.rotated_at = now
        return True

    def _track(self, session: Session) -> Session:
        self.seen.append(session)
        return session


class FakeApiKeyRepository:
    def __init__(self, store: IdentityStore) -> None:
        self._store = store

    def add(self, key: ApiKey) -> None:
        self._store.api_keys[key.id] = stored_copy(key)

    def get(self, org_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        key = self._store.api_keys.get(key_id)
        return stored_copy(key) if key is not None and key.org_id == org_id else None

    def find_granting_access(self, key_hash: str) -> ApiKey | None:
        for key in self._store.api_keys.values():
            if key.key_hash == key_hash:
                creator = self._store.users.get(key.created_by)
                return stored_copy(key) if creator is not None and creator.is_active else None
        return None

    def update(self, key: ApiKey) -> None:
        if key.id in self._store.api_keys:
            self._store.api_keys[key.id] = stored_copy(key)

    def live_created_by(self, user_id: uuid.UUID) -> list[ApiKey]:
        return [
            stored_copy(k)
            for k in self._store.api_keys.values()
            if k.created_by == user_id and k.revoked_at is None
        ]

    def page_live(self, org_id: uuid.UUID, page: PageRequest) -> Page[ApiKey]:
        live = [
            stored_copy(k)
            for k in self._store.api_keys.values()
            if k.org_id == org_id and k.revoked_at is None
        ]
        return keyset_page(live, page, by_time_then_id(creation_key))


class FakeIdentityUnitOfWork(StagedUnitOfWork[IdentityStore]):
    """Changes are staged on a copy of the store and swapped in on commit."""

    def _open(self, staged: IdentityStore) -> None:
        self.users = FakeUserRepository(staged)
        self.sessions = FakeSessionRepository(staged)
        self.api_keys = FakeApiKeyRepository(staged)
        self.email_tokens = FakeEmailTokenRepository(staged)

    def _aggregates(self) -> Iterable[EventRecorder]:
        return [*self.users.seen, *self.sessions.seen]


class FakePasswordHasher:
    """Reversible-looking but one-way enough for tests; no bcrypt cost."""

    def __init__(self) -> None:
        self.equal_effort_calls = 0

    def hash(self, password: str) -> str:
        return "fake$" + hashlib.sha256(password.encode()).hexdigest()

    def verify(self, password: str, password_hash: str) -> bool:
        return password_hash == self.hash(password)

    def spend_equal_effort(self, password: str) -> None:
        self.equal_effort_calls += 1


class FakeAccessTokenCodec:
    """Tokens are readable strings; revoking is the session's job, not the codec's."""

    def __init__(self, ttl_seconds: int = 900) -> None:
        self._ttl = ttl_seconds

    def issue(self, claims: AccessClaims) -> IssuedAccessToken:
        return IssuedAccessToken(
            token=f"access:{claims.user_id}:{claims.session_id}:{uuid.uuid4().hex}",
            expires_in=self._ttl,
        )

    def read(self, token: str) -> AccessClaims:
        parts = token.split(":")
        if len(parts) != 4 or parts[0] != "access":
            raise InvalidAccessToken()
        try:
            return AccessClaims(user_id=uuid.UUID(parts[1]), session_id=uuid.UUID(parts[2]))
        except ValueError:
            raise InvalidAccessToken() from None


class FakeOpaqueTokens:
    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def new_token(self) -> str:
        return f"refresh-{next(self._counter)}-{uuid.uuid4().hex}"

    def digest(self, token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)
