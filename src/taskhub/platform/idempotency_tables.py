"""The platform's record of idempotency keys: who used which key, and what they got back.

One row per (principal, key). The primary key is what decides a race between two
requests carrying the same key: exactly one INSERT wins. A `running` row is a claim
held by a request in progress; a `done` row holds the response to replay. Either kind
is dead once `expires_at` has passed and is then replaced or swept away.
"""

import sqlalchemy as sa

from taskhub.platform.sql_types import UtcDateTime, new_metadata

metadata = new_metadata()

idempotency_keys = sa.Table(
    "platform_idempotency_keys",
    metadata,
    # `user:<uuid>` or `key:<uuid>`: keys are scoped to whoever sent them.
    sa.Column("principal", sa.String(64), primary_key=True),
    sa.Column("idempotency_key", sa.String(255), primary_key=True),
    # Which request holds a `running` claim, so a late finisher cannot touch a newer claim.
    sa.Column("claim_id", sa.Uuid, nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
    sa.Column("response_status", sa.Integer),
    sa.Column("response_headers", sa.JSON),
    sa.Column("response_body", sa.LargeBinary),
    sa.CheckConstraint("state IN ('running', 'done')", name="state"),
)
