"""The Webhook aggregate: where an organization's events go, and with which secrets."""

import uuid
from datetime import datetime, timedelta
from typing import Any, TypeVar

import attrs

from taskhub.contexts.integrations.domain.events import (
    WebhookCreated,
    WebhookDeleted,
    WebhookDisabled,
    WebhookEvent,
    WebhookSecretRotated,
    WebhookUpdated,
)
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.versioned_aggregate import VersionedAggregate

ALL_EVENTS = "*"
OLD_SECRET_GRACE = timedelta(hours=24)
FAILURE_WINDOW = timedelta(days=5)

E = TypeVar("E", bound=WebhookEvent)


def validated_events(events: list[str], known: frozenset[str]) -> tuple[str, ...]:
    if not events:
        raise ValidationFailed.single("events", "must name at least one event type, or *")
    if ALL_EVENTS in events:
        if len(events) > 1:
            raise ValidationFailed.single("events", "* stands alone: it means every event")
        return (ALL_EVENTS,)
    unknown = sorted(set(events) - known)
    if unknown:
        raise ValidationFailed.single(
            "events",
            f"unknown event types: {', '.join(unknown)} (known: {', '.join(sorted(known))})",
        )
    return tuple(sorted(set(events)))


@attrs.define(kw_only=True)
class Webhook(VersionedAggregate):
    id: uuid.UUID
    org_id: uuid.UUID
    url: str
    events: tuple[str, ...]
    description: str
    active: bool
    secret: str = attrs.field(repr=False)
    previous_secret: str | None = attrs.field(default=None, repr=False)
    previous_secret_expires_at: datetime | None = None
    failing_since: datetime | None = None
    # The position (in the order events commit) of the last event before the webhook
    # was created or re-enabled: it receives only later ones.
    events_after: int = 0
    created_at: datetime

    @classmethod
    def create(
        cls,
        *,
        org_id: uuid.UUID,
        url: str,
        events: tuple[str, ...],
        description: str,
        secret: str,
        now: datetime,
    ) -> "Webhook":
        webhook = cls(
            id=new_id(),
            org_id=org_id,
            url=url,
            events=events,
            description=description,
            active=True,
            secret=secret,
            created_at=now,
            updated_at=now,
        )
        changes = {"url": (None, url), "events": (None, list(events))}
        webhook.record(webhook._event(WebhookCreated, now, changes))
        return webhook

    def wants(self, event_type: str) -> bool:
        return self.active and (ALL_EVENTS in self.events or event_type in self.events)

    def receives(self, event_type: str, position: int) -> bool:
        """Whether an event is this webhook's: one it wants, committed after the webhook
        was created or last re-enabled."""
        return position > self.events_after and self.wants(event_type)

    def signing_secrets(self, now: datetime) -> list[str]:
        secrets = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and now < self.previous_secret_expires_at
        ):
            secrets.append(self.previous_secret)
        return secrets

    def change(
        self,
        *,
        url: str | None = None,
        events: tuple[str, ...] | None = None,
        description: str | None = None,
        active: bool | None = None,
        now: datetime,
    ) -> dict[str, tuple[Any, Any]]:
        """Apply the fields given (None leaves one as it is); returns what changed as
        {field: (old, new)}, lists for the event types. Nothing else can change here."""
        applied = self._apply(
            {"url": url, "events": events, "description": description, "active": active}, now
        )
        changed = {name: (_listed(old), _listed(new)) for name, (old, new) in applied.items()}
        if "active" in changed and self.active:
            self.failing_since = None
        if changed:
            self.record(self._event(WebhookUpdated, now, changed))
        return changed

    def rotate(self, secret: str, now: datetime) -> None:
        self.previous_secret = self.secret
        self.previous_secret_expires_at = now + OLD_SECRET_GRACE
        self.secret = secret
        self._touch(now)
        self.record(self._event(WebhookSecretRotated, now))

    def delivered(self) -> None:
        self.failing_since = None

    def failed(self, now: datetime) -> bool:
        """Note a failed attempt; True when it has failed long enough to be disabled."""
        if self.failing_since is None:
            self.failing_since = now
        return now - self.failing_since >= FAILURE_WINDOW

    def disable(self, reason: str, now: datetime) -> None:
        """The dispatcher gives up on an active webhook; its organization is told why."""
        self.active = False
        self._touch(now)
        self.record(
            WebhookDisabled(
                event_id=new_id(),
                occurred_at=now,
                org_id=self.org_id,
                entity_id=self.id,
                changes={"active": (True, False)},
                reason=reason,
                url=self.url,
            )
        )

    def delete(self, now: datetime) -> None:
        self.active = False
        self._mark_deleted(now)
        self.record(self._event(WebhookDeleted, now))

    def _event(
        self, kind: type[E], now: datetime, changes: dict[str, tuple[Any, Any]] | None = None
    ) -> E:
        return kind(
            event_id=new_id(),
            occurred_at=now,
            org_id=self.org_id,
            entity_id=self.id,
            changes=changes or {},
        )


def _listed(value: Any) -> Any:
    """The event types as a list, as the audit trail shows them."""
    return list(value) if isinstance(value, tuple) else value
