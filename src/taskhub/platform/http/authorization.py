"""The port through which the platform learns a principal's role in an organization.

Endpoints under `/orgs/{org_id}` declare the least role they need; the dispatcher asks
this port once per request. No role means "not a member" (or another organization's
API key, or a deleted organization): 404, never 403, so nothing hints that it exists.
"""

import uuid
from typing import Protocol

from taskhub.shared_kernel.principal import Principal
from taskhub.shared_kernel.roles import Role


class OrgAccess(Protocol):
    def role_in(self, principal: Principal, org_id: uuid.UUID) -> Role | None: ...
