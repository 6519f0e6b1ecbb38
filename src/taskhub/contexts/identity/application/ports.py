"""What identity's use cases need from the outside world.

Each port has an in-memory fake in `application.testing` held to the same contract
tests as its SQL or library-backed adapter.
"""

import uuid
from datetime import datetime
from typing import Protocol

import attrs

from taskhub.contexts.identity.domain.api_key import ApiKey
from taskhub.contexts.identity.domain.email_token import EmailToken, TokenPurpose
from taskhub.contexts.identity.domain.session import RefreshToken, Session
from taskhub.contexts.identity.domain.user import User
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWork


class UserRepository(Protocol):
    def add(self, user: User) -> None:
        """Store a new user; raise EmailTaken if the canonical email is in use."""
        ...

    def get(self, user_id: uuid.UUID) -> User | None: ...

    def get_by_email(self, email: str) -> User | None:
        """Look up by email, case-insensitively."""
        ...

    def update(self, user: User) -> None: ...

    def get_many(self, user_ids: list[uuid.UUID]) -> list[User]: ...

    def search(self, text: str | None, active: bool | None, page: PageRequest) -> Page[User]:
        """Newest first; `text` is found in the email or the name, ignoring case."""
        ...


class SessionRepository(Protocol):
    def add(self, session: Session) -> None: ...

    def get(self, session_id: uuid.UUID) -> Session | None: ...

    def update(self, session: Session) -> None: ...

    def live(self, user_id: uuid.UUID) -> list[Session]:
        """The user's unrevoked sessions, most recently used first."""
        ...

    def page_live(self, user_id: uuid.UUID, page: PageRequest) -> Page[Session]:
        """One page of the user's unrevoked sessions, newest first (creation time, then id):
        keys that never change, so paging is stable while sessions are used."""
        ...

    def grants_access(self, session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """Whether the session is live, belongs to the user, and the user is active.

        Asked on every authenticated request, so it is one question, not two lookups.
        """
        ...

    def add_token(self, token: RefreshToken) -> None: ...

    def find_token(self, token_hash: str) -> RefreshToken | None: ...

    def retire_token(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Mark a token rotated if it is not yet; True only for the one caller that did.

        This is the single atomic step that makes two concurrent refreshes of the same
        token produce exactly one winner.
        """
        ...


class ApiKeyRepository(Protocol):
    def add(self, key: ApiKey) -> None: ...

    def get(self, org_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        """A key of that organization (revoked ones too), or None."""
        ...

    def find_granting_access(self, key_hash: str) -> ApiKey | None:
        """The key with that hash if its creator's account is active, else None.

        Asked on every request made with a key, so the creator's state is part of the
        same question: deactivating the account refuses the keys it created at once.
        """
        ...

    def update(self, key: ApiKey) -> None: ...

    def page_live(self, org_id: uuid.UUID, page: PageRequest) -> Page[ApiKey]:
        """Unrevoked keys by creation time, then id."""
        ...

    def live_created_by(self, user_id: uuid.UUID) -> list[ApiKey]:
        """The user's unrevoked keys, in every organization (for the account's erasure)."""
        ...


class EmailTokenRepository(Protocol):
    def add(self, token: EmailToken) -> None: ...

    def find(self, token_hash: str, purpose: TokenPurpose) -> EmailToken | None: ...

    def use(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Mark the token used if it is not yet; True only for the one caller that did,
        so two requests with the same token never both succeed."""
        ...

    def use_all(self, user_id: uuid.UUID, purpose: TokenPurpose, now: datetime) -> None:
        """Retire every unused token of the user for that purpose."""
        ...

    def issued_since(
        self, user_id: uuid.UUID, purpose: TokenPurpose, since: datetime
    ) -> list[datetime]:
        """When the user's tokens for that purpose issued since `since` were issued,
        oldest first."""
        ...


class IdentityUnitOfWork(UnitOfWork, Protocol):
    users: UserRepository
    sessions: SessionRepository
    api_keys: ApiKeyRepository
    email_tokens: EmailTokenRepository


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password: str, password_hash: str) -> bool: ...

    def spend_equal_effort(self, password: str) -> None:
        """Do the work of one `verify` against nothing, so unknown emails take as long."""
        ...


@attrs.frozen
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID


@attrs.frozen
class IssuedAccessToken:
    token: str
    expires_in: int


class AccessTokenCodec(Protocol):
    def issue(self, claims: AccessClaims) -> IssuedAccessToken: ...

    def read(self, token: str) -> AccessClaims:
        """Verify signature, algorithm, type and registered claims; raise InvalidAccessToken."""
        ...


class OpaqueTokens(Protocol):
    """Random secrets and the one-way digests under which they are stored."""

    def new_token(self) -> str: ...

    def digest(self, token: str) -> str: ...
