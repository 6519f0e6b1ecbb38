"""Identity's services wired to fakes, as the composition root wires the real adapters."""

from datetime import UTC, datetime

import attrs
import pytest

from taskhub.contexts.identity.application.accounts import AccountService
from taskhub.contexts.identity.application.session_tokens import SessionTokens
from taskhub.contexts.identity.application.sessions import SessionService
from taskhub.contexts.identity.application.testing.fakes import (
    FakeAccessTokenCodec,
    FakeClock,
    FakeIdentityUnitOfWork,
    FakeOpaqueTokens,
    FakePasswordHasher,
    IdentityStore,
)

REFRESH_TTL = 3600


@attrs.define
class Identity:
    store: IdentityStore
    clock: FakeClock
    hasher: FakePasswordHasher
    accounts: AccountService
    sessions: SessionService


@pytest.fixture
def identity() -> Identity:
    store = IdentityStore()
    clock = FakeClock(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    hasher = FakePasswordHasher()
    access = FakeAccessTokenCodec()
    opaque = FakeOpaqueTokens()
    tokens = SessionTokens(access_tokens=access, opaque_tokens=opaque, refresh_ttl=REFRESH_TTL)

    def uow(*, read_only: bool = False) -> FakeIdentityUnitOfWork:
        return FakeIdentityUnitOfWork(store)

    return Identity(
        store=store,
        clock=clock,
        hasher=hasher,
        accounts=AccountService(uow=uow, hasher=hasher, tokens=tokens, clock=clock),
        sessions=SessionService(
            uow=uow, tokens=tokens, access_tokens=access, opaque_tokens=opaque, clock=clock
        ),
    )
