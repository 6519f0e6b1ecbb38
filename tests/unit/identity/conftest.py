"""Identity's services wired to fakes, as the composition root wires the real adapters."""

from datetime import UTC, datetime

import attrs
import pytest

from taskhub.contexts.identity.application.account_recovery import AccountRecoveryService
from taskhub.contexts.identity.application.accounts import AccountService
from taskhub.contexts.identity.application.remembered_access import revoked_scope
from taskhub.contexts.identity.application.session_tokens import SessionTokens
from taskhub.contexts.identity.application.sessions import SessionService
from taskhub.contexts.identity.application.testing.fake_email_tokens import FakeLetters
from taskhub.contexts.identity.application.testing.fakes import (
    FakeAccessTokenCodec,
    FakeClock,
    FakeIdentityUnitOfWork,
    FakeOpaqueTokens,
    FakePasswordHasher,
    IdentityStore,
)
from taskhub.contexts.identity.application.token_letters import TokenLetters
from taskhub.shared_kernel.answers import ForgetOnCommit
from tests.unit.answers import MemoryAnswers

REFRESH_TTL = 3600
APP_URL = "https://app.example.com"


@attrs.define
class Identity:
    store: IdentityStore
    clock: FakeClock
    hasher: FakePasswordHasher
    accounts: AccountService
    sessions: SessionService
    recovery: AccountRecoveryService
    answers: MemoryAnswers | None
    opened: list[bool]  # one entry per unit of work opened: whether it was read-only


def build_identity(answers: MemoryAnswers | None) -> Identity:
    """The services on fakes; with `answers`, sessions are remembered and forgotten on
    commit, as with Redis."""
    observers = [ForgetOnCommit(answers, revoked_scope)] if answers is not None else []
    store = IdentityStore()
    clock = FakeClock(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    hasher = FakePasswordHasher()
    access = FakeAccessTokenCodec()
    opaque = FakeOpaqueTokens()
    tokens = SessionTokens(access_tokens=access, opaque_tokens=opaque, refresh_ttl=REFRESH_TTL)
    opened: list[bool] = []
    token_letters = TokenLetters(opaque_tokens=opaque, letters=FakeLetters(), app_url=APP_URL)

    def uow(*, read_only: bool = False) -> FakeIdentityUnitOfWork:
        opened.append(read_only)
        return FakeIdentityUnitOfWork(store, observers=observers)

    return Identity(
        store=store,
        clock=clock,
        hasher=hasher,
        accounts=AccountService(
            uow=uow, hasher=hasher, tokens=tokens, clock=clock, token_letters=token_letters
        ),
        sessions=SessionService(
            uow=uow,
            tokens=tokens,
            access_tokens=access,
            opaque_tokens=opaque,
            clock=clock,
            answers=answers,
        ),
        recovery=AccountRecoveryService(
            uow=uow, hasher=hasher, token_letters=token_letters, clock=clock
        ),
        answers=answers,
        opened=opened,
    )


@pytest.fixture(params=["asking", "remembering"])
def identity(request: pytest.FixtureRequest) -> Identity:
    """Every rule holds whether sessions are checked each time or remembered (and
    forgotten by the changes that commit)."""
    return build_identity(MemoryAnswers() if request.param == "remembering" else None)
