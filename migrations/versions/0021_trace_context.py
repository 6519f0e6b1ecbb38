"""platform, integrations: the trace context of the change beside its event and deliveries

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 00:30:00.000000

`platform_outbox.traceparent` holds the W3C trace context of the request that wrote
the event (null when it was not traced); the fan-out copies it onto each
`integrations_deliveries` row, so the consumers and the webhook requests continue the
request's trace (ADR 0037). Both columns are nullable and added without a default: no
row is rewritten, and going down drops them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (("platform_outbox", "traceparent"), ("integrations_deliveries", "traceparent"))


def upgrade() -> None:
    for table, column in _COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(128), nullable=True))


def downgrade() -> None:
    for table, column in reversed(_COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
