"""Fakes of the email-token repository and of the letters port."""

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from taskhub.contexts.identity.domain.email_token import EmailToken, TokenPurpose
from taskhub.shared_kernel.mail import OutgoingMail
from taskhub.shared_kernel.staged_unit_of_work import stored_copy


class EmailTokenStore(Protocol):
    email_tokens: dict[uuid.UUID, EmailToken]


class FakeEmailTokenRepository:
    def __init__(self, store: EmailTokenStore) -> None:
        self._store = store

    def add(self, token: EmailToken) -> None:
        self._store.email_tokens[token.id] = stored_copy(token)

    def find(self, token_hash: str, purpose: TokenPurpose) -> EmailToken | None:
        for token in self._store.email_tokens.values():
            if token.token_hash == token_hash and token.purpose == purpose:
                return stored_copy(token)
        return None

    def use(self, token_id: uuid.UUID, now: datetime) -> bool:
        token = self._store.email_tokens.get(token_id)
        if token is None or token.used_at is not None:
            return False
        token.used_at = now
        return True

    def use_all(self, user_id: uuid.UUID, purpose: TokenPurpose, now: datetime) -> None:
        for token in self._store.email_tokens.values():
            if token.user_id == user_id and token.purpose == purpose and token.used_at is None:
                token.used_at = now

    def issued_since(
        self, user_id: uuid.UUID, purpose: TokenPurpose, since: datetime
    ) -> list[datetime]:
        return sorted(
            token.created_at
            for token in self._store.email_tokens.values()
            if token.user_id == user_id and token.purpose == purpose and token.created_at >= since
        )


class FakeLetters:
    """Every letter is its name and its values, one `name=value` a line."""

    def compose(self, letter: str, *, to: str, values: Mapping[str, str]) -> OutgoingMail:
        text = "\n".join(f"{name}={value}" for name, value in sorted(values.items()))
        return OutgoingMail(to=to, subject=letter, text=text, html=text)
