"""Entries cannot be changed or removed, not even with SQL: the database refuses."""

import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.audit.adapters.sql.tables import audit_entries
from tests.integration.audit.events import commit_events, gadget_changed

REFUSAL = "audit entries are immutable"


@pytest.fixture
def org_id(engine: Engine) -> uuid.UUID:
    org_id = uuid.uuid4()
    commit_events(engine, [gadget_changed(org_id), gadget_changed(org_id)])
    return org_id


def _count(engine: Engine, org_id: uuid.UUID) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(sa.func.count()).where(audit_entries.c.chain_key == f"org:{org_id}")
            ).scalar_one()
        )


@pytest.mark.parametrize(
    "statement",
    [
        lambda org_id: (
            audit_entries.update()
            .where(audit_entries.c.chain_key == f"org:{org_id}")
            .values(action="forged")
        ),
        lambda org_id: (
            audit_entries.update()
            .where(audit_entries.c.chain_key == f"org:{org_id}", audit_entries.c.seq == 2)
            .values(changes={})
        ),
        lambda org_id: audit_entries.delete().where(audit_entries.c.chain_key == f"org:{org_id}"),
        lambda org_id: audit_entries.delete().where(audit_entries.c.seq == 1),
    ],
    ids=["update", "update-changes", "delete", "delete-everywhere"],
)
def test_updates_and_deletes_are_refused(
    engine: Engine, org_id: uuid.UUID, statement: Callable[[uuid.UUID], sa.Executable]
) -> None:
    with pytest.raises(sa.exc.DBAPIError, match=REFUSAL), engine.begin() as connection:
        connection.execute(statement(org_id))
    assert _count(engine, org_id) == 2
    with engine.connect() as connection:
        actions = connection.execute(
            sa.select(audit_entries.c.action).where(audit_entries.c.chain_key == f"org:{org_id}")
        ).scalars()
        assert set(actions) == {"gadget.changed"}


def test_a_raw_sql_delete_is_refused_too(engine: Engine, org_id: uuid.UUID) -> None:
    with pytest.raises(sa.exc.DBAPIError, match=REFUSAL), engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_entries"))
    assert _count(engine, org_id) == 2


@pytest.mark.postgres
def test_truncate_is_refused_on_postgresql(migrated_postgres: Engine) -> None:
    org_id = uuid.uuid4()
    commit_events(migrated_postgres, [gadget_changed(org_id)])
    with pytest.raises(sa.exc.DBAPIError, match=REFUSAL), migrated_postgres.begin() as connection:
        connection.execute(sa.text("TRUNCATE audit_entries"))
    assert _count(migrated_postgres, org_id) == 1
