"""Webhook endpoints: subscriptions, secrets, pings, the delivery log, redelivery."""

from collections.abc import Sequence
from typing import Any

import attrs

from taskhub.contexts.integrations.adapters.http.schemas import (
    CreatedWebhookBody,
    CreateWebhookRequest,
    DeliveryBody,
    SecretBody,
    UpdateWebhookRequest,
    WebhookBody,
)
from taskhub.contexts.integrations.application.deliveries import DeliveryLog
from taskhub.contexts.integrations.application.webhooks import WebhookService
from taskhub.contexts.integrations.domain.delivery import Delivery
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.shared_kernel.pagination import Page
from taskhub.shared_kernel.roles import Role

HOOKS = "/api/v1/orgs/{org_id:uuid}/webhooks"
HOOK = f"{HOOKS}/{{webhook_id:uuid}}"


def webhook_body(webhook: Webhook) -> WebhookBody:
    return WebhookBody(
        id=webhook.id,
        url=webhook.url,
        events=list(webhook.events),
        description=webhook.description,
        active=webhook.active,
        created_at=webhook.created_at,
        updated_at=webhook.updated_at,
        version=webhook.version,
    )


def delivery_body(delivery: Delivery) -> DeliveryBody:
    return DeliveryBody(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status,
        attempts=delivery.attempts,
        response_status=delivery.response_status,
        duration_ms=delivery.duration_ms,
        next_attempt_at=delivery.next_attempt_at,
        created_at=delivery.created_at,
    )


class IntegrationEndpoints:
    def __init__(self, *, webhooks: WebhookService, deliveries: DeliveryLog) -> None:
        self._webhooks = webhooks
        self._deliveries = deliveries

    def create(self, call: Call) -> Reply:
        body: CreateWebhookRequest = call.body
        webhook = self._webhooks.create(
            call.in_org, url=body.url, events=body.events, description=body.description
        )
        plain = webhook_body(webhook)
        return Reply(
            status=201,
            body=CreatedWebhookBody(**attrs.asdict(plain, recurse=False), secret=webhook.secret),
        )

    def list(self, call: Call) -> Reply:
        page = self._webhooks.list(call.in_org, call.page)
        return Reply(
            body=Page(items=[webhook_body(w) for w in page.items], next_after=page.next_after)
        )

    def get(self, call: Call) -> Reply:
        return Reply(body=webhook_body(self._webhooks.get(call.in_org, call.params["webhook_id"])))

    def update(self, call: Call) -> Reply:
        body: UpdateWebhookRequest = call.body
        changes: dict[str, Any] = body.changes()
        webhook = self._webhooks.change(
            call.in_org, call.params["webhook_id"], changes, call.if_match
        )
        return Reply(body=webhook_body(webhook))

    def delete(self, call: Call) -> Reply:
        self._webhooks.delete(call.in_org, call.params["webhook_id"], call.if_match)
        return Reply(status=204)

    def rotate(self, call: Call) -> Reply:
        webhook = self._webhooks.rotate_secret(call.in_org, call.params["webhook_id"])
        return Reply(body=SecretBody(secret=webhook.secret))

    def ping(self, call: Call) -> Reply:
        delivery = self._webhooks.ping(call.in_org, call.params["webhook_id"])
        return Reply(status=202, body=delivery_body(delivery))

    def deliveries(self, call: Call) -> Reply:
        page = self._deliveries.list(call.in_org, call.params["webhook_id"], call.page)
        return Reply(
            body=Page(items=[delivery_body(d) for d in page.items], next_after=page.next_after)
        )

    def redeliver(self, call: Call) -> Reply:
        delivery = self._deliveries.redeliver(
            call.in_org, call.params["webhook_id"], call.params["delivery_id"]
        )
        return Reply(status=202, body=delivery_body(delivery))

    def endpoints(self) -> Sequence[Endpoint]:
        def ep(
            method: str, path: str, handler: Any, name: str, summary: str, **kw: Any
        ) -> Endpoint:
            return Endpoint(
                method,
                path,
                handler,
                name,
                summary,
                "webhooks",
                Access.PRINCIPAL,
                org_role=Role.ADMIN,
                **kw,
            )

        return [
            ep(
                "POST",
                HOOKS,
                self.create,
                "create_webhook",
                "Subscribe a URL to events",
                body=CreateWebhookRequest,
                response=CreatedWebhookBody,
                status=201,
                secret_in_response=True,
            ),
            ep(
                "GET",
                HOOKS,
                self.list,
                "list_webhooks",
                "Webhooks (without secrets)",
                response=WebhookBody,
                paginated=True,
            ),
            ep("GET", HOOK, self.get, "get_webhook", "A webhook", response=WebhookBody),
            ep(
                "PATCH",
                HOOK,
                self.update,
                "update_webhook",
                "Change a webhook",
                body=UpdateWebhookRequest,
                response=WebhookBody,
            ),
            ep("DELETE", HOOK, self.delete, "delete_webhook", "Delete a webhook", status=204),
            ep(
                "POST",
                f"{HOOK}/rotate-secret",
                self.rotate,
                "rotate_webhook_secret",
                "New signing secret; the old one also signs for 24 h",
                response=SecretBody,
                secret_in_response=True,
            ),
            ep(
                "POST",
                f"{HOOK}/ping",
                self.ping,
                "ping_webhook",
                "Send a webhook.ping event",
                response=DeliveryBody,
                status=202,
            ),
            ep(
                "GET",
                f"{HOOK}/deliveries",
                self.deliveries,
                "list_deliveries",
                "The delivery log, newest first",
                response=DeliveryBody,
                paginated=True,
            ),
            ep(
                "POST",
                f"{HOOK}/deliveries/{{delivery_id:uuid}}/redeliver",
                self.redeliver,
                "redeliver",
                "Attempt a delivery again now",
                response=DeliveryBody,
                status=202,
                errors=(409,),
            ),
        ]
