"""Audit's part of an account's export: the user's security log.

Erasure changes nothing here: entries can't be changed or removed (the chains would
no longer verify), and they name the user by id only, which after erasure leads to
no name and no email.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from taskhub.contexts.audit.application.ports import AuditFilter, AuditUnitOfWork
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.shared_kernel.pagination import MAX_LIMIT, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


class AuditPersonalData:
    def __init__(self, *, uow: UnitOfWorkFactory[AuditUnitOfWork]) -> None:
        self._uow = uow

    def export(self, user_id: uuid.UUID) -> Mapping[str, Any]:
        entries: list[dict[str, Any]] = []
        page = PageRequest(limit=MAX_LIMIT)
        with self._uow(read_only=True) as uow:
            while True:
                batch = uow.entries.page(ChainKey.user(user_id), AuditFilter(), page)
                entries.extend(
                    {
                        "id": str(e.id),
                        "occurred_at": e.occurred_at.isoformat(),
                        "actor_type": str(e.actor_type),
                        "actor_id": str(e.actor_id) if e.actor_id else None,
                        "action": e.action,
                        "entity_type": e.entity_type,
                        "entity_id": str(e.entity_id),
                        "changes": {k: list(v) for k, v in e.changes.items()},
                        "ip": e.ip,
                        "user_agent": e.user_agent,
                    }
                    for e in batch.items
                )
                if batch.next_after is None:
                    return {"security_log": entries}
                page = PageRequest(limit=MAX_LIMIT, after=batch.next_after)

    def erase(self, user_id: uuid.UUID) -> None:
        """Nothing to change (see the module's docstring)."""
