"""`?include=total` counts within a time budget on PostgreSQL, and leaves nothing behind.

A count that runs out of time is a 422 on `include` (never a 500, never a late answer),
and the connection goes back to the pool with its own statement timeout, whether the
count ran in autocommit (a read-only unit of work) or inside a transaction.
"""

from typing import Any

import pytest
import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.platform import sql_pagination
from taskhub.platform.sql_pagination import run_count
from taskhub.shared_kernel.errors import ValidationFailed
from tests.integration.world import API, create_org, problem, register

_SLOW = sa.select(sa.func.count()).select_from(sa.func.generate_series(1, 50_000_000))
_QUICK = sa.select(sa.func.count()).select_from(sa.func.generate_series(1, 3))


def _timeout(connection: sa.Connection) -> Any:
    return connection.exec_driver_sql("SHOW statement_timeout").scalar_one()


@pytest.mark.parametrize("autocommit", [True, False])
def test_a_count_out_of_time_is_refused_on_include_and_the_timeout_reset(
    postgres_engine: Engine, autocommit: bool
) -> None:
    options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    with postgres_engine.connect().execution_options(**options) as connection:
        before = _timeout(connection)
        assert run_count(connection, _QUICK, budget_ms=1000) == 3
        assert _timeout(connection) == before
        with pytest.raises(ValidationFailed) as refused:
            run_count(connection, _SLOW, budget_ms=20)
        assert [e.field for e in refused.value.errors] == ["include"]
        assert "20 ms" in refused.value.errors[0].message
        if not autocommit:
            connection.rollback()
        assert _timeout(connection) == before
        assert run_count(connection, _QUICK) == 3


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_over_http_a_count_out_of_time_is_a_422_and_the_next_request_is_served(
    client: testing.TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = register(client, "owner")
    url = f"{API}/orgs/{create_org(client, owner)['id']}/projects"
    slow = sa.select(sa.func.count()).select_from(sa.func.pg_sleep(0.2).table_valued())
    monkeypatch.setattr(sql_pagination, "count_statement", lambda query: slow)
    monkeypatch.setattr(sql_pagination, "COUNT_BUDGET_MS", 30)
    refused = client.simulate_get(url, query_string="include=total", headers=owner.auth)
    body = problem(refused, 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["include"]
    monkeypatch.undo()
    answered = client.simulate_get(url, query_string="include=total", headers=owner.auth)
    assert answered.status_code == 200, answered.text
    assert answered.json["total"] == 0
