"""Managing webhooks: create, read, change, delete, rotate the secret, ping."""

import uuid
from collections.abc import Callable
from datetime import datetime

import attrs

from taskhub.contexts.integrations.application.ports import (
    IntegrationsUnitOfWork,
    SecretGenerator,
)
from taskhub.contexts.integrations.application.targets import TargetPolicy
from taskhub.contexts.integrations.domain.delivery import Delivery
from taskhub.contexts.integrations.domain.webhook import Webhook, validated_events
from taskhub.contexts.integrations.public.events import WEBHOOK_PING, WebhookPingData
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen(kw_only=True)
class ChangeWebhook:
    """A PATCH of a webhook: the fields given change, None leaves one as it is."""

    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    active: bool | None = None
    expected_version: int | None = None


def webhook_not_found() -> NotFound:
    return NotFound("The webhook was not found.")


class WebhookService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[IntegrationsUnitOfWork],
        targets: TargetPolicy,
        secrets: SecretGenerator,
        clock: Clock,
        known_event_types: frozenset[str],
        wake_dispatcher: Callable[[], None] | None = None,
    ) -> None:
        self._uow = uow
        self._targets = targets
        self._secrets = secrets
        self._clock = clock
        self._known = known_event_types
        self._wake = wake_dispatcher

    def create(self, actor: Actor, *, url: str, events: list[str], description: str) -> Webhook:
        self._targets.check(url)
        now = self._clock.now()
        webhook = Webhook.create(
            org_id=actor.org_id,
            url=url,
            events=validated_events(events, self._known),
            description=description,
            secret=self._secrets.new_secret(),
            now=now,
        )
        with self._uow() as uow:
            uow.webhooks.add(webhook)
            uow.webhooks.receive_from_now(webhook.org_id, webhook.id)
            uow.track(webhook)
            uow.commit()
        return webhook

    def page(self, actor: Actor, page: PageRequest) -> Page[Webhook]:
        with self._uow(read_only=True) as uow:
            return uow.webhooks.page(actor.org_id, page)

    def get(self, actor: Actor, webhook_id: uuid.UUID) -> Webhook:
        with self._uow(read_only=True) as uow:
            return self._webhook(uow, actor, webhook_id)

    def change(self, actor: Actor, webhook_id: uuid.UUID, command: ChangeWebhook) -> Webhook:
        if command.url is not None:
            self._targets.check(command.url)
        events = None if command.events is None else validated_events(command.events, self._known)
        with self._uow() as uow:
            webhook = self._for_write(uow, actor, webhook_id, command.expected_version)
            now = self._clock.now()
            changed = webhook.change(
                url=command.url,
                events=events,
                description=command.description,
                active=command.active,
                now=now,
            )
            if changed:
                uow.webhooks.update(webhook)
                if "active" in changed and webhook.active:
                    uow.webhooks.receive_from_now(webhook.org_id, webhook.id)
                elif "active" in changed:
                    # Paused: nothing more is sent, and a resume starts afresh.
                    uow.deliveries.fail_unfinished(
                        webhook.org_id, webhook.id, "the webhook was disabled", now
                    )
                uow.track(webhook)
                uow.commit()
        return webhook

    def delete(self, actor: Actor, webhook_id: uuid.UUID, expected_version: int | None) -> None:
        with self._uow() as uow:
            webhook = self._for_write(uow, actor, webhook_id, expected_version)
            now = self._clock.now()
            webhook.delete(now)
            uow.webhooks.update(webhook)
            uow.deliveries.fail_unfinished(
                webhook.org_id, webhook.id, "the webhook was deleted", now
            )
            uow.track(webhook)
            uow.commit()

    def rotate_secret(self, actor: Actor, webhook_id: uuid.UUID) -> Webhook:
        with self._uow() as uow:
            webhook = self._for_write(uow, actor, webhook_id, None)
            now = self._clock.now()
            webhook.rotate(self._secrets.new_secret(), now)
            uow.webhooks.update(webhook)
            uow.track(webhook)
            uow.commit()
        return webhook

    def ping(self, actor: Actor, webhook_id: uuid.UUID) -> Delivery:
        """Queue a `webhook.ping` to this webhook alone, whatever events it asked for."""
        with self._uow() as uow:
            webhook = self._webhook(uow, actor, webhook_id)
            now = self._clock.now()
            event_id = new_id()
            delivery = Delivery.schedule(
                webhook_id=webhook.id,
                org_id=actor.org_id,
                event_id=event_id,
                event_type=WEBHOOK_PING,
                ordering_key=f"ping:{event_id}",
                position=0,
                payload={
                    "type": WEBHOOK_PING,
                    "timestamp": _rfc3339(now),
                    "data": event_data(WebhookPingData(webhook_id=webhook.id)),
                },
                now=now,
            )
            uow.deliveries.add_if_absent(delivery)
            uow.commit()
        if self._wake is not None:
            self._wake()
        return delivery

    @staticmethod
    def _for_write(
        uow: IntegrationsUnitOfWork,
        actor: Actor,
        webhook_id: uuid.UUID,
        expected_version: int | None,
    ) -> Webhook:
        return load_for_write(
            lambda deleted: uow.webhooks.get(
                actor.org_id, webhook_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            webhook_not_found,
        )

    @staticmethod
    def _webhook(uow: IntegrationsUnitOfWork, actor: Actor, webhook_id: uuid.UUID) -> Webhook:
        webhook = uow.webhooks.get(actor.org_id, webhook_id)
        if webhook is None:
            raise webhook_not_found()
        return webhook


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
