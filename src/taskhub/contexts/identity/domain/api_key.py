"""API keys: a credential that acts in one organization with a fixed role.

The secret is shown once; only its SHA-256 is stored, with a short prefix kept in
clear so people can tell their keys apart. A key's role can never exceed its creator's
(checked at creation here, and again on every request by the role lookup, which takes
the lower of the key's role and the creator's current one).
"""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.identity.domain.events import ApiKeyCreated, ApiKeyRevoked
from taskhub.shared_kernel.errors import PermissionDenied, ValidationFailed
from taskhub.shared_kernel.events import EventRecorder
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.roles import Role

KEY_PREFIX = "thk_"
VISIBLE_PREFIX_LENGTH = 12


@attrs.define(kw_only=True)
class ApiKey(EventRecorder):
    id: uuid.UUID
    org_id: uuid.UUID
    name: str
    role: Role
    prefix: str
    key_hash: str = attrs.field(repr=False)
    created_by: uuid.UUID
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    @classmethod
    def issue(
        cls,
        *,
        org_id: uuid.UUID,
        name: str,
        role: Role,
        creator_role: Role,
        created_by: uuid.UUID,
        secret: str,
        key_hash: str,
        now: datetime,
        expires_at: datetime | None,
    ) -> "ApiKey":
        if not creator_role.at_least(role):
            raise PermissionDenied(
                f"You cannot create a key with a role above your own ({creator_role})."
            )
        if expires_at is not None and expires_at <= now:
            raise ValidationFailed.single("expires_at", "must be in the future")
        key = cls(
            id=new_id(),
            org_id=org_id,
            name=name,
            role=role,
            prefix=secret[:VISIBLE_PREFIX_LENGTH],
            key_hash=key_hash,
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
        )
        key.record(
            ApiKeyCreated(
                event_id=new_id(),
                occurred_at=now,
                org_id=org_id,
                entity_id=key.id,
                changes={"name": (None, name), "role": (None, role.value)},
            )
        )
        return key

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
            self.record(
                ApiKeyRevoked(
                    event_id=new_id(), occurred_at=now, org_id=self.org_id, entity_id=self.id
                )
            )
