"""The compare-and-set write itself, without the row lock that usually spares it:
a row changed by another transaction since it was read is never overwritten."""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.contexts.work.adapters.sql.tables import labels
from taskhub.platform.versioned_rows import VersionedRows
from taskhub.shared_kernel.errors import PreconditionFailed

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 11, 24, tzinfo=UTC)


def _label(engine: Engine) -> tuple[uuid.UUID, uuid.UUID]:
    org_id, label_id = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as connection:
        connection.execute(
            labels.insert().values(
                id=label_id,
                org_id=org_id,
                name="Bug",
                name_canonical="bug",
                color="#ff0000",
                created_at=NOW,
                updated_at=NOW,
                version=1,
            )
        )
    return org_id, label_id


def _select(label_id: uuid.UUID) -> sa.Select:  # type: ignore[type-arg]
    return sa.select(labels).where(labels.c.id == label_id)


def test_a_write_over_a_version_changed_meanwhile_is_refused(postgres_engine: Engine) -> None:
    _org, label_id = _label(postgres_engine)
    with postgres_engine.connect() as slow, postgres_engine.connect() as fast:
        slow_rows, fast_rows = VersionedRows(slow, labels), VersionedRows(fast, labels)
        with slow.begin():
            assert slow_rows.one(_select(label_id), include_deleted=False, for_update=False)
            with fast.begin():
                fast_rows.one(_select(label_id), include_deleted=False, for_update=False)
                fast_rows.update(label_id, {"name": "Defect", "version": 2})
            with pytest.raises(PreconditionFailed):
                slow_rows.update(label_id, {"name": "Stale", "version": 2})
    with postgres_engine.connect() as connection:
        row = connection.execute(_select(label_id)).one()
    assert (row.name, row.version) == ("Defect", 2)
