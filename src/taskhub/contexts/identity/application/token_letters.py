"""Emails that carry a single-use token, and the redemption of those tokens.

Issuing stores the token's digest and queues the email in the caller's unit of work,
so the token exists exactly when its email will go out. Redeeming marks it used in
one conditional write: of two requests with the same token, one wins.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from taskhub.contexts.identity.application.ports import IdentityUnitOfWork, OpaqueTokens
from taskhub.contexts.identity.domain.email_token import EmailToken, TokenPurpose, unusable_token
from taskhub.contexts.identity.domain.user import User
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.mail import Letters, MailQueued


class TokenLetters:
    def __init__(self, *, opaque_tokens: OpaqueTokens, letters: Letters, app_url: str) -> None:
        self._opaque = opaque_tokens
        self._letters = letters
        self._app_url = app_url.rstrip("/")

    def send(
        self,
        uow: IdentityUnitOfWork,
        user: User,
        purpose: TokenPurpose,
        now: datetime,
        values: Mapping[str, str] | None = None,
        *,
        letter: str | None = None,
        lifetime: timedelta | None = None,
    ) -> None:
        """`letter` names another template for the purpose's link (the purpose's own by
        default); `lifetime` overrides the purpose's."""
        token = self._opaque.new_token()
        uow.email_tokens.add(
            EmailToken.issue(
                user_id=user.id,
                purpose=purpose,
                token_hash=self._opaque.digest(token),
                now=now,
                lifetime=lifetime,
            )
        )
        uow.record(
            MailQueued(
                event_id=new_id(),
                occurred_at=now,
                mail=self._letters.compose(
                    letter or purpose.value,
                    to=user.email,
                    values={"name": user.name, "link": self.link(purpose, token), **(values or {})},
                ),
            )
        )

    def spend_equal_effort(self, purpose: TokenPurpose) -> None:
        """The work of `send` without its writes, for an address that has no account."""
        token = self._opaque.new_token()
        self._opaque.digest(token)
        self._letters.compose(
            purpose.value, to="", values={"name": "", "link": self.link(purpose, token)}
        )

    def link(self, purpose: TokenPurpose, token: str) -> str:
        return f"{self._app_url}/{purpose.value}?token={token}"

    def redeem(
        self, uow: IdentityUnitOfWork, token: str, purpose: TokenPurpose, now: datetime
    ) -> EmailToken:
        """The token, now used; ValidationFailed on `token` if it is unknown, used or
        expired."""
        found = uow.email_tokens.find(self._opaque.digest(token), purpose)
        if found is None or not found.is_usable(now) or not uow.email_tokens.use(found.id, now):
            raise unusable_token()
        found.used_at = now
        return found
