"""SQL repositories for users and sessions (SQLAlchemy Core, explicit mapping)."""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from taskhub.contexts.identity.adapters.sql.tables import (
    api_keys,
    refresh_tokens,
    sessions,
    users,
)
from taskhub.contexts.identity.domain.api_key import ApiKey
from taskhub.contexts.identity.domain.email import canonical_email
from taskhub.contexts.identity.domain.errors import EmailTaken
from taskhub.contexts.identity.domain.session import RefreshToken, Session
from taskhub.contexts.identity.domain.user import User
from taskhub.platform.sql_pagination import keyset_page
from taskhub.shared_kernel.canonical_text import canonical
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.roles import Role


def _user(row: Any) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        password_hash=row.password_hash,
        created_at=row.created_at,
        updated_at=row.updated_at,
        is_active=row.is_active,
        email_verified_at=row.email_verified_at,
        is_staff=row.is_staff,
        last_login_at=row.last_login_at,
    )


class SqlUserRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self.seen: list[User] = []

    def add(self, user: User) -> None:
        try:
            self._connection.execute(
                users.insert().values(
                    id=user.id,
                    email=user.email,
                    email_canonical=user.canonical_email,
                    name=user.name,
                    password_hash=user.password_hash,
                    is_active=user.is_active,
                    created_at=user.created_at,
                    updated_at=user.updated_at,
                    email_verified_at=user.email_verified_at,
                    is_staff=user.is_staff,
                    last_login_at=user.last_login_at,
                )
            )
        except IntegrityError:
            raise EmailTaken() from None
        self.seen.append(user)

    def get(self, user_id: uuid.UUID) -> User | None:
        row = self._connection.execute(sa.select(users).where(users.c.id == user_id)).first()
        return self._track(_user(row)) if row else None

    def get_by_email(self, email: str) -> User | None:
        row = self._connection.execute(
            sa.select(users).where(users.c.email_canonical == canonical_email(email))
        ).first()
        return self._track(_user(row)) if row else None

    def update(self, user: User) -> None:
        self._connection.execute(
            users.update()
            .where(users.c.id == user.id)
            .values(
                email=user.email,
                email_canonical=user.canonical_email,
                name=user.name,
                password_hash=user.password_hash,
                is_active=user.is_active,
                updated_at=user.updated_at,
                email_verified_at=user.email_verified_at,
                is_staff=user.is_staff,
                last_login_at=user.last_login_at,
            )
        )

    def get_many(self, user_ids: list[uuid.UUID]) -> list[User]:
        rows = self._connection.execute(sa.select(users).where(users.c.id.in_(user_ids)))
        return [_user(row) for row in rows]

    def search(self, text: str | None, active: bool | None, page: PageRequest) -> Page[User]:
        query = sa.select(users)
        if text:
            query = query.where(
                sa.or_(
                    users.c.email_canonical.contains(canonical(text), autoescape=True),
                    sa.func.lower(users.c.name).contains(text.lower(), autoescape=True),
                )
            )
        if active is not None:
            query = query.where(users.c.is_active == active)
        keys = [users.c.created_at, users.c.id]
        return keyset_page(self._connection, query, keys, page, _user, descending=True)

    def _track(self, user: User) -> User:
        self.seen.append(user)
        return user


def _session(row: Any) -> Session:
    return Session(
        id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        ip=row.ip,
        user_agent=row.user_agent,
        revoked_at=row.revoked_at,
        revoke_reason=row.revoke_reason,
    )


# Asked on every authenticated request: built once, so a request pays only to run it.
_GRANTS_ACCESS = (
    sa.select(sa.literal(1))
    .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
    .where(
        sessions.c.id == sa.bindparam("session_id"),
        sessions.c.user_id == sa.bindparam("user_id"),
        sessions.c.revoked_at.is_(None),
        users.c.is_active.is_(True),
    )
)


class SqlSessionRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self.seen: list[Session] = []

    def add(self, session: Session) -> None:
        self._connection.execute(
            sessions.insert().values(
                id=session.id,
                user_id=session.user_id,
                created_at=session.created_at,
                last_used_at=session.last_used_at,
                ip=session.ip,
                user_agent=session.user_agent,
                revoked_at=session.revoked_at,
                revoke_reason=session.revoke_reason,
            )
        )
        self.seen.append(session)

    def get(self, session_id: uuid.UUID) -> Session | None:
        row = self._connection.execute(
            sa.select(sessions).where(sessions.c.id == session_id)
        ).first()
        return self._track(_session(row)) if row else None

    def update(self, session: Session) -> None:
        self._connection.execute(
            sessions.update()
            .where(sessions.c.id == session.id)
            .values(
                last_used_at=session.last_used_at,
                ip=session.ip,
                user_agent=session.user_agent,
                revoked_at=session.revoked_at,
                revoke_reason=session.revoke_reason,
            )
        )

    def live(self, user_id: uuid.UUID) -> list[Session]:
        rows = self._connection.execute(
            sa.select(sessions)
            .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
            .order_by(sessions.c.last_used_at.desc(), sessions.c.id)
        )
        return [self._track(_session(row)) for row in rows]

    def page_live(self, user_id: uuid.UUID, page: PageRequest) -> Page[Session]:
        query = sa.select(sessions).where(
            sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None)
        )
        return keyset_page(
            self._connection,
            query,
            [sessions.c.created_at, sessions.c.id],
            page,
            lambda row: self._track(_session(row)),
            descending=True,
        )

    def grants_access(self, session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        row = self._connection.execute(
            _GRANTS_ACCESS, {"session_id": session_id, "user_id": user_id}
        ).first()
        return row is not None

    def add_token(self, token: RefreshToken) -> None:
        self._connection.execute(
            refresh_tokens.insert().values(
                id=token.id,
                session_id=token.session_id,
                token_hash=token.token_hash,
                issued_at=token.issued_at,
                expires_at=token.expires_at,
                rotated_at=token.rotated_at,
            )
        )

    def find_token(self, token_hash: str) -> RefreshToken | None:
        row = self._connection.execute(
            sa.select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return RefreshToken(
            id=row.id,
            session_id=row.session_id,
            token_hash=row.token_hash,
            issued_at=row.issued_at,
            expires_at=row.expires_at,
            rotated_at=row.rotated_at,
        )

    def retire_token(self, token_id: uuid.UUID, now: datetime) -> bool:
        # A conditional UPDATE: under concurrency PostgreSQL re-checks the WHERE after
        # the row lock is released, and SQLite serialises writers, so one caller wins.
        result = self._connection.execute(
            refresh_tokens.update()
            .where(refresh_tokens.c.id == token_id, refresh_tokens.c.rotated_at.is_(None))
            .values(rotated_at=now)
        )
        return result.rowcount == 1

    def _track(self, session: Session) -> Session:
        self.seen.append(session)
        return session


def _api_key(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        org_id=row.org_id,
        name=row.name,
        role=Role(row.role),
        prefix=row.prefix,
        key_hash=row.key_hash,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


class SqlApiKeyRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(self, key: ApiKey) -> None:
        self._connection.execute(
            api_keys.insert().values(
                id=key.id,
                org_id=key.org_id,
                name=key.name,
                role=key.role.value,
                prefix=key.prefix,
                key_hash=key.key_hash,
                created_by=key.created_by,
                created_at=key.created_at,
                expires_at=key.expires_at,
                revoked_at=key.revoked_at,
            )
        )

    def get(self, org_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        row = self._connection.execute(
            sa.select(api_keys).where(api_keys.c.id == key_id, api_keys.c.org_id == org_id)
        ).first()
        return _api_key(row) if row else None

    def find_granting_access(self, key_hash: str) -> ApiKey | None:
        row = self._connection.execute(
            sa.select(api_keys)
            .join(users, users.c.id == api_keys.c.created_by)
            .where(api_keys.c.key_hash == key_hash, users.c.is_active.is_(True))
        ).first()
        return _api_key(row) if row else None

    def update(self, key: ApiKey) -> None:
        self._connection.execute(
            api_keys.update()
            .where(api_keys.c.org_id == key.org_id, api_keys.c.id == key.id)
            .values(revoked_at=key.revoked_at)
        )

    def live_created_by(self, user_id: uuid.UUID) -> list[ApiKey]:
        # Across organizations, as the person's own keys are; rare (erasure) and small.
        rows = self._connection.execute(
            sa.select(api_keys).where(
                api_keys.c.created_by == user_id, api_keys.c.revoked_at.is_(None)
            )
        )
        return [_api_key(row) for row in rows]

    def page_live(self, org_id: uuid.UUID, page: PageRequest) -> Page[ApiKey]:
        query = sa.select(api_keys).where(
            api_keys.c.org_id == org_id, api_keys.c.revoked_at.is_(None)
        )
        return keyset_page(
            self._connection, query, [api_keys.c.created_at, api_keys.c.id], page, _api_key
        )
