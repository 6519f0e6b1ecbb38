"""The SQL repositories keep the integrations repository contract on SQLite and PostgreSQL."""

import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from taskhub.contexts.integrations.adapters.sql.unit_of_work import SqlIntegrationsUnitOfWork
from taskhub.shared_kernel.pagination import PageRequest
from tests.contracts.integrations import IntegrationsRepositoryContract, UowFactory, new_webhook
from tests.integration.conftest import WEBHOOK_BOX, container_for


class TestSqlIntegrationsRepositories(IntegrationsRepositoryContract):
    @pytest.fixture
    def uow_factory(self, engine: Engine) -> UowFactory:
        return lambda *, read_only=False: SqlIntegrationsUnitOfWork(
            engine, box=WEBHOOK_BOX, read_only=read_only
        )


def test_fan_out_counts_the_new_deliveries_and_wakes_the_dispatcher(
    engine: Engine,
) -> None:
    container = container_for(engine, webhook_allow_private=True)
    org_id = uuid.uuid4()
    webhook = new_webhook(org_id, url="http://127.0.0.1:9/hook", events=("*",))
    with SqlIntegrationsUnitOfWork(engine, box=WEBHOOK_BOX) as uow:
        uow.webhooks.add(webhook)
        uow.commit()
    signal = container.integrations.signal()
    signal.wait(0)  # start from a quiet signal

    def publish() -> int:
        return int(
            container.integrations.fan_out().schedule(
                event_id=event_id,
                event_type="task.created",
                org_id=org_id,
                occurred_at=datetime(2026, 11, 22, 10, 0, tzinfo=UTC),
                ordering_key="task-1",
                position=1,
                data={"id": "task-1"},
            )
        )

    event_id = uuid.uuid4()
    first, again = publish(), publish()
    with SqlIntegrationsUnitOfWork(engine, box=WEBHOOK_BOX, read_only=True) as uow:
        assert len(uow.deliveries.page(webhook.org_id, webhook.id, PageRequest()).items) == 1
    assert (first, again) == (1, 0)
    # Woken: the wait returns at once instead of running out.
    started = time.monotonic()
    signal.wait(3.0)
    assert time.monotonic() - started < 1.0
