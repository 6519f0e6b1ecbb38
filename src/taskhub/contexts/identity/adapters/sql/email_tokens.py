"""Email tokens on SQL: stored by digest, used once by a conditional update."""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.identity.adapters.sql.tables import email_tokens
from taskhub.contexts.identity.domain.email_token import EmailToken, TokenPurpose


def _token(row: Any) -> EmailToken:
    return EmailToken(
        id=row.id,
        user_id=row.user_id,
        purpose=TokenPurpose(row.purpose),
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )


class SqlEmailTokenRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def add(self, token: EmailToken) -> None:
        self._connection.execute(
            email_tokens.insert().values(
                id=token.id,
                user_id=token.user_id,
                purpose=token.purpose.value,
                token_hash=token.token_hash,
                created_at=token.created_at,
                expires_at=token.expires_at,
                used_at=token.used_at,
            )
        )

    def find(self, token_hash: str, purpose: TokenPurpose) -> EmailToken | None:
        row = self._connection.execute(
            sa.select(email_tokens).where(
                email_tokens.c.token_hash == token_hash, email_tokens.c.purpose == purpose.value
            )
        ).first()
        return _token(row) if row else None

    def use(self, token_id: uuid.UUID, now: datetime) -> bool:
        result = self._connection.execute(
            email_tokens.update()
            .where(email_tokens.c.id == token_id, email_tokens.c.used_at.is_(None))
            .values(used_at=now)
        )
        return result.rowcount == 1

    def use_all(self, user_id: uuid.UUID, purpose: TokenPurpose, now: datetime) -> None:
        self._connection.execute(
            email_tokens.update()
            .where(
                email_tokens.c.user_id == user_id,
                email_tokens.c.purpose == purpose.value,
                email_tokens.c.used_at.is_(None),
            )
            .values(used_at=now)
        )

    def issued_since(
        self, user_id: uuid.UUID, purpose: TokenPurpose, since: datetime
    ) -> list[datetime]:
        return list(
            self._connection.execute(
                sa.select(email_tokens.c.created_at)
                .where(
                    email_tokens.c.user_id == user_id,
                    email_tokens.c.purpose == purpose.value,
                    email_tokens.c.created_at >= since,
                )
                .order_by(email_tokens.c.created_at)
            ).scalars()
        )
