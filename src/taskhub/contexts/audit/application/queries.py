"""Reading the logs: an organization's (for its admins), a user's own security log.

Nothing here changes an entry: the trail is append-only, and the only writer is the
event sink every unit of work commits through.
"""

from taskhub.contexts.audit.application.ports import (
    AuditFilter,
    AuditUnitOfWork,
    ChainKeys,
)
from taskhub.contexts.audit.domain.chain import ChainHead, ChainVerification, verify_chain
from taskhub.contexts.audit.domain.entry import AuditEntry
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.shared_kernel.errors import PermissionDenied, ValidationFailed
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor, Principal
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory

READER_ROLE = Role.ADMIN
"""The least role that reads and verifies an organization's log."""


def _require_reader(actor: Actor) -> None:
    # The HTTP layer checks the role first; a use case does not rely on that.
    if not actor.role.at_least(READER_ROLE):
        raise PermissionDenied(f"This needs the {READER_ROLE} role or above.")


class AuditLogQueries:
    def __init__(self, *, uow: UnitOfWorkFactory[AuditUnitOfWork], keys: ChainKeys) -> None:
        self._uow = uow
        self._keys = keys

    def org_log(self, actor: Actor, criteria: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
        """The organization's entries that match, newest first."""
        _require_reader(actor)
        if (
            criteria.since is not None
            and criteria.until is not None
            and criteria.since >= criteria.until
        ):
            raise ValidationFailed.single("until", "must be later than since")
        with self._uow(read_only=True) as uow:
            return uow.entries.page(ChainKey.org(actor.org_id), criteria, page)

    def verify_org(self, actor: Actor) -> ChainVerification:
        """Check the organization's whole chain, from one consistent snapshot, with every
        configured key (an entry linked with a secret no longer configured is bad)."""
        _require_reader(actor)
        chain_key = ChainKey.org(actor.org_id)
        keys = self._keys.all()
        with self._uow(read_only=True) as uow:
            # A chain without a head has never been written to: any entry is foreign.
            head = uow.entries.head(chain_key) or ChainHead.genesis(chain_key)
            return verify_chain(uow.entries.chain(chain_key), keys, head=head)

    def security_log(self, principal: Principal, page: PageRequest) -> Page[AuditEntry]:
        """The user's own account events, newest first; API keys have no security log."""
        if not principal.is_user:
            raise PermissionDenied(
                "API keys cannot be used here; sign in as a user.", code="api_key_not_allowed"
            )
        with self._uow(read_only=True) as uow:
            return uow.entries.page(ChainKey.user(principal.user_id), AuditFilter(), page)
