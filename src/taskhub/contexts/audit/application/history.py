"""The published entity history, answered from the organization's log."""

import uuid

from taskhub.contexts.audit.application.ports import (
    AuditFilter,
    AuditUnitOfWork,
)
from taskhub.contexts.audit.domain.entry import AuditEntry
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.contexts.audit.public.history import AuditEntryView
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


def entry_view(entry: AuditEntry) -> AuditEntryView:
    return AuditEntryView(
        id=entry.id,
        occurred_at=entry.occurred_at,
        actor_type=entry.actor_type,
        actor_id=entry.actor_id,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        changes=dict(entry.changes),
        ip=entry.ip,
        user_agent=entry.user_agent,
        request_id=entry.request_id,
    )


class AuditEntityHistory:
    """Implements `audit.public.EntityHistory`; the caller has checked who may ask."""

    def __init__(self, *, uow: UnitOfWorkFactory[AuditUnitOfWork]) -> None:
        self._uow = uow

    def history(
        self, org_id: uuid.UUID, entity_type: str, entity_id: uuid.UUID, page: PageRequest
    ) -> Page[AuditEntryView]:
        criteria = AuditFilter(entity_type=entity_type, entity_id=entity_id)
        with self._uow(read_only=True) as uow:
            found = uow.entries.page(ChainKey.org(org_id), criteria, page)
        return Page(items=[entry_view(e) for e in found.items], next_after=found.next_after)
