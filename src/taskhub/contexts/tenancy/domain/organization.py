"""The Organization aggregate: the tenant every other resource belongs to."""

import enum
import re
import uuid
from datetime import datetime

import attrs

from taskhub.contexts.tenancy.domain.events import (
    OrganizationCreated,
    OrganizationDeleted,
    OrganizationUpdated,
)
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.versioned_aggregate import VersionedAggregate

SLUG_PATTERN = r"[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]"
_SLUG = re.compile(SLUG_PATTERN)


class Plan(enum.StrEnum):
    FREE = "free"
    BASIC = "basic"
    PREMIUM = "premium"


def validated_slug(slug: str) -> str:
    if not _SLUG.fullmatch(slug):
        raise ValidationFailed.single(
            "slug",
            "must be 3-63 characters of a-z, 0-9 and '-', "
            "starting and ending with a letter or digit",
        )
    return slug


def validated_org_name(name: str) -> str:
    if not name.strip():
        raise ValidationFailed.single("name", "must not be blank")
    return name


@attrs.define(kw_only=True)
class Organization(VersionedAggregate):
    id: uuid.UUID
    name: str
    slug: str
    plan: Plan
    created_at: datetime

    @classmethod
    def found(cls, *, name: str, slug: str, now: datetime) -> "Organization":
        org = cls(
            id=new_id(),
            name=validated_org_name(name),
            slug=validated_slug(slug),
            plan=Plan.FREE,
            created_at=now,
            updated_at=now,
        )
        org.record(
            OrganizationCreated(
                event_id=new_id(),
                occurred_at=now,
                org_id=org.id,
                entity_id=org.id,
                changes={"name": (None, org.name), "slug": (None, org.slug)},
            )
        )
        return org

    def change(
        self, *, name: str | None, slug: str | None, now: datetime
    ) -> dict[str, tuple[str, str]]:
        """Apply the given fields; returns what changed as {field: (old, new)}."""
        # Validate everything before changing anything: a bad slug leaves the name alone.
        if name is not None:
            validated_org_name(name)
        if slug is not None:
            validated_slug(slug)
        changes = self._apply({"name": name, "slug": slug}, now)
        if changes:
            self.record(
                OrganizationUpdated(
                    event_id=new_id(),
                    occurred_at=now,
                    org_id=self.id,
                    entity_id=self.id,
                    changes=changes,
                )
            )
        return changes

    def delete(self, now: datetime) -> None:
        self._mark_deleted(now)
        self.record(
            OrganizationDeleted(
                event_id=new_id(), occurred_at=now, org_id=self.id, entity_id=self.id
            )
        )
