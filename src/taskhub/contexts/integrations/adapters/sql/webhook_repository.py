"""Webhooks on SQL: their secrets sealed in the row, their start in the order events commit."""

import uuid
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from taskhub.contexts.integrations.adapters.sql.tables import webhooks
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.platform.messaging.tables import outbox
from taskhub.platform.secret_box import SecretBox
from taskhub.platform.sql_lists import among
from taskhub.platform.sql_pagination import keyset_page
from taskhub.platform.versioned_rows import VersionedRows
from taskhub.shared_kernel.pagination import Page, PageRequest


def _webhook(row: Any, box: SecretBox) -> Webhook:
    context = row.id.bytes
    return Webhook(
        id=row.id,
        org_id=row.org_id,
        url=row.url,
        events=tuple(row.events),
        description=row.description,
        active=row.active,
        secret=box.open(row.secret, context),
        previous_secret=(
            box.open(row.previous_secret, context) if row.previous_secret is not None else None
        ),
        previous_secret_expires_at=row.previous_secret_expires_at,
        failing_since=row.failing_since,
        events_after=row.events_after,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        deleted_at=row.deleted_at,
    )


class SqlWebhookRepository:
    """Webhooks, their secrets sealed in the row (see `platform.secret_box`)."""

    def __init__(self, connection: sa.Connection, box: SecretBox) -> None:
        self._connection = connection
        self._box = box
        self._starting: list[tuple[uuid.UUID, uuid.UUID]] = []
        self._rows = VersionedRows(connection, webhooks)

    def _webhook(self, row: Any) -> Webhook:
        return _webhook(row, self._box)

    def _values(self, webhook: Webhook) -> dict[str, Any]:
        context = webhook.id.bytes
        return {
            "url": webhook.url,
            "events": list(webhook.events),
            "description": webhook.description,
            "active": webhook.active,
            "secret": self._box.seal(webhook.secret, context),
            "previous_secret": (
                self._box.seal(webhook.previous_secret, context)
                if webhook.previous_secret is not None
                else None
            ),
            "previous_secret_expires_at": webhook.previous_secret_expires_at,
            "failing_since": webhook.failing_since,
            "updated_at": webhook.updated_at,
            "version": webhook.version,
            "deleted_at": webhook.deleted_at,
        }

    def add(self, webhook: Webhook) -> None:
        self._connection.execute(
            webhooks.insert().values(
                id=webhook.id,
                org_id=webhook.org_id,
                created_at=webhook.created_at,
                **self._values(webhook),
            )
        )
        self._rows.inserted(webhook.id, webhook.version, webhook.org_id)

    def get(
        self,
        org_id: uuid.UUID,
        webhook_id: uuid.UUID,
        *,
        include_deleted: bool = False,
        for_update: bool = False,
    ) -> Webhook | None:
        query = sa.select(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.org_id == org_id)
        row = self._rows.one(query, include_deleted=include_deleted, for_update=for_update)
        return self._webhook(row) if row else None

    def get_many(
        self, keys: Collection[tuple[uuid.UUID, uuid.UUID]], *, for_update: bool = False
    ) -> dict[uuid.UUID, Webhook]:
        if not keys:
            return {}
        query = sa.select(webhooks).where(
            sa.tuple_(webhooks.c.org_id, webhooks.c.id).in_(sorted(keys))
        )
        # In key order, so two dispatchers locking overlapping sets cannot deadlock.
        query = self._rows.locked(
            query.order_by(webhooks.c.org_id, webhooks.c.id), for_update=for_update
        )
        rows = self._rows.read_all(self._connection.execute(query))
        return {row.id: self._webhook(row) for row in rows}

    def update(self, webhook: Webhook) -> None:
        self._rows.update(webhook.id, self._values(webhook))

    def receive_from_now(self, org_id: uuid.UUID, webhook_id: uuid.UUID) -> None:
        self._starting.append((org_id, webhook_id))

    def start_receiving(self) -> None:
        """Set the webhooks of `receive_from_now` to start after the newest committed event.

        Run by the unit of work after its sinks, just before the commit: the audit sink
        then holds the organization's chain head, which every change of the organization
        takes before it writes its outbox rows (ADR 0011). So every event of the
        organization that committed before this transaction is at or below the newest
        position seen here, and every later one gets a position above it. The newest
        position of the whole outbox (its primary key's end) serves: events of other
        organizations do not matter either way.
        """
        if not self._starting:
            return
        newest = sa.select(sa.func.coalesce(sa.func.max(outbox.c.position), 0)).scalar_subquery()
        self._connection.execute(
            webhooks.update()
            .where(sa.tuple_(webhooks.c.org_id, webhooks.c.id).in_(self._starting))
            .values(events_after=newest)
        )
        self._starting = []

    def page(self, org_id: uuid.UUID, page: PageRequest) -> Page[Webhook]:
        query = sa.select(webhooks).where(
            webhooks.c.org_id == org_id, webhooks.c.deleted_at.is_(None)
        )
        return keyset_page(
            self._connection, query, [webhooks.c.created_at, webhooks.c.id], page, self._webhook
        )

    def active(self, org_id: uuid.UUID) -> list[Webhook]:
        rows = self._connection.execute(
            sa.select(webhooks).where(
                webhooks.c.org_id == org_id,
                webhooks.c.active.is_(True),
                webhooks.c.deleted_at.is_(None),
            )
        )
        return [self._webhook(row) for row in rows]

    def active_in(self, org_ids: Collection[uuid.UUID]) -> list[Webhook]:
        """On PostgreSQL the rows stay share-locked until the caller's commit: a disable
        (410, pause, delete) committing meanwhile waits, and its `fail_unfinished` then
        sees the deliveries the caller scheduled; one that committed first is seen here."""
        if not org_ids:
            return []
        query = sa.select(webhooks).where(
            among(self._connection, webhooks.c.org_id, list(org_ids)),
            webhooks.c.active.is_(True),
            webhooks.c.deleted_at.is_(None),
        )
        if self._connection.dialect.name == "postgresql":
            query = query.with_for_update(read=True)
        rows = self._connection.execute(query)
        return [self._webhook(row) for row in rows]
