"""Audit's endpoints: read an organization's log, verify it, read your own security log.

There is deliberately no route that changes or removes an entry.
"""

from collections.abc import Sequence

from taskhub.contexts.audit.adapters.http.query_params import (
    AUDIT_LOG_QUERY,
    FILTER_DESCRIPTION,
    audit_filter,
)
from taskhub.contexts.audit.adapters.http.schemas import AuditEntryBody, AuditVerificationBody
from taskhub.contexts.audit.application.queries import READER_ROLE, AuditLogQueries
from taskhub.contexts.audit.domain.entry import AuditEntry
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.pagination import Page


def entry_body(entry: AuditEntry) -> AuditEntryBody:
    changes = {field: [old, new] for field, (old, new) in entry.changes.items()}
    return fields_from(AuditEntryBody, entry, changes=changes)


def _bodies(page: Page[AuditEntry]) -> Page[AuditEntryBody]:
    return page.map(entry_body)


class AuditEndpoints:
    def __init__(self, *, log: AuditLogQueries) -> None:
        self._log = log

    def list_org_log(self, call: Call[None]) -> Reply:
        criteria = audit_filter(call.query)
        return Reply(body=_bodies(self._log.org_log(call.in_org, criteria, call.page)))

    def verify_org_log(self, call: Call[None]) -> Reply:
        verdict = self._log.verify_org(call.in_org)
        return Reply(
            body=AuditVerificationBody(
                valid=verdict.valid,
                entries=verdict.entries,
                first_bad_entry_id=verdict.first_bad_entry_id,
            )
        )

    def security_log(self, call: Call[None]) -> Reply:
        return Reply(body=_bodies(self._log.security_log(call.user, call.page)))

    def endpoints(self) -> Sequence[Endpoint]:
        log = Routes.in_org(tag="audit")
        mine = Routes(tag="audit")
        return [
            log.get(
                "/audit-log",
                handler=self.list_org_log,
                name="list_audit_log",
                summary="The organization's audit log, newest first",
                role=READER_ROLE,
                response=AuditEntryBody,
                paginated=True,
                query=AUDIT_LOG_QUERY,
                description=FILTER_DESCRIPTION,
            ),
            log.get(
                "/audit-log/verify",
                handler=self.verify_org_log,
                name="verify_audit_log",
                summary="Check the organization's audit log for tampering",
                role=READER_ROLE,
                response=AuditVerificationBody,
                description=(
                    "Recomputes every entry's hash and checks the chain's links and "
                    "length from one consistent snapshot."
                ),
            ),
            mine.get(
                "/users/me/security-log",
                handler=self.security_log,
                name="list_security_log",
                summary=("Your sign-ins, failed sign-ins, password changes and session events"),
                response=AuditEntryBody,
                paginated=True,
                description="Your own account's audit entries, newest first.",
            ),
        ]
