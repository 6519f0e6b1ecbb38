"""The Organization aggregate: the tenant every other resource belongs to."""

import enum
import re
import uuid
from datetime import datetime

import attrs

from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.ids import new_id

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
class Organization:
    id: uuid.UUID
    name: str
    slug: str
    plan: Plan
    created_at: datetime
    updated_at: datetime
    version: int = 1
    deleted_at: datetime | None = None

    @classmethod
    def found(cls, *, name: str, slug: str, now: datetime) -> "Organization":
        return cls(
            id=new_id(),
            name=validated_org_name(name),
            slug=validated_slug(slug),
            plan=Plan.FREE,
            created_at=now,
            updated_at=now,
        )

    def change(
        self, *, name: str | None, slug: str | None, now: datetime
    ) -> dict[str, tuple[str, str]]:
        """Apply the given fields; returns what changed as {field: (old, new)}."""
        # Validate everything before changing anything: a bad slug leaves the name alone.
        if name is not None:
            validated_org_name(name)
        if slug is not None:
            validated_slug(slug)
        changes: dict[str, tuple[str, str]] = {}
        if name is not None and name != self.name:
            changes["name"] = (self.name, name)
            self.name = name
        if slug is not None and slug != self.slug:
            changes["slug"] = (self.slug, slug)
            self.slug = slug
        if changes:
            self.updated_at = now
            self.version += 1
        return changes

    def delete(self, now: datetime) -> None:
        self.deleted_at = now
        self.updated_at = now
        self.version += 1
