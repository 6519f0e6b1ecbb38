"""The SQL adapter keeps the audit repository contract on SQLite and PostgreSQL."""

import uuid

import pytest
from sqlalchemy.engine import Engine

from taskhub.contexts.audit.adapters.sql.repositories import SqlAuditEntryRepository
from taskhub.contexts.audit.adapters.sql.unit_of_work import SqlAuditUnitOfWork
from taskhub.contexts.audit.domain.chain import verify_chain
from taskhub.contexts.audit.domain.keys import ChainKey
from tests.contracts.audit import KEY, KEYS, AuditRepositoryContract, UowFactory, draft


class TestSqlAuditRepository(AuditRepositoryContract):
    @pytest.fixture
    def uow_factory(self, engine: Engine) -> UowFactory:
        return lambda *, read_only=False: SqlAuditUnitOfWork(engine, read_only=read_only)


def test_a_chain_is_walked_in_batches(engine: Engine) -> None:
    org = ChainKey.org(uuid.uuid4())
    with engine.begin() as connection:
        SqlAuditEntryRepository(connection).append(org, [draft() for _ in range(7)], KEY)
    with engine.connect() as connection:
        repository = SqlAuditEntryRepository(connection, chain_batch=3)
        walked = list(repository.chain(org))
        head = repository.head(org)
    assert [e.seq for e in walked] == [1, 2, 3, 4, 5, 6, 7]
    assert verify_chain(walked, KEYS, head=head).valid
