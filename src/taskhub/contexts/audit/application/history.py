"""The published entity history, answered from the organization's log."""

import uuid

from taskhub.contexts.audit.application.ports import (
    AuditFilter,
    AuditUnitOfWork,
)
from taskhub.contexts.audit.domain.entry import AuditEntry
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.contexts.audit.public.history import AuditEntryView
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


def entry_view(entry: AuditEntry) -> AuditEntryView:
    return fields_from(AuditEntryView, entry, changes=dict(entry.changes))


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
        return found.map(entry_view)
