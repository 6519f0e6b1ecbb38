"""Integrations' endpoints: webhooks (subscriptions, secrets, pings, the delivery log,
redelivery), the catalogue of event types, and the organization's event feed."""

from collections.abc import Sequence

import attrs

from taskhub.contexts.integrations.adapters.http.query_params import EVENT_FEED_QUERY
from taskhub.contexts.integrations.adapters.http.schemas import (
    CreatedWebhookBody,
    CreateWebhookRequest,
    DeliveryBody,
    EventBody,
    EventTypeBody,
    SecretBody,
    UpdateWebhookRequest,
    WebhookBody,
)
from taskhub.contexts.integrations.application.deliveries import DeliveryLog
from taskhub.contexts.integrations.application.event_feed import EventFeed
from taskhub.contexts.integrations.application.webhooks import ChangeWebhook, WebhookService
from taskhub.contexts.integrations.domain.delivery import Delivery
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.event_catalogue import EventType
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.pagination import Page
from taskhub.shared_kernel.roles import Role


def webhook_body(webhook: Webhook) -> WebhookBody:
    return fields_from(WebhookBody, webhook, events=list(webhook.events))


def delivery_body(delivery: Delivery) -> DeliveryBody:
    return fields_from(DeliveryBody, delivery)


class IntegrationEndpoints:
    def __init__(self, *, webhooks: WebhookService, deliveries: DeliveryLog) -> None:
        self._webhooks = webhooks
        self._deliveries = deliveries

    def create(self, call: Call[CreateWebhookRequest]) -> Reply:
        body = call.body
        webhook = self._webhooks.create(
            call.in_org, url=body.url, events=body.events, description=body.description
        )
        plain = webhook_body(webhook)
        return Reply(
            status=201,
            body=CreatedWebhookBody(**attrs.asdict(plain, recurse=False), secret=webhook.secret),
        )

    def list(self, call: Call[None]) -> Reply:
        page = self._webhooks.page(call.in_org, call.page)
        return Reply(body=page.map(webhook_body))

    def get(self, call: Call[None]) -> Reply:
        return Reply(body=webhook_body(self._webhooks.get(call.in_org, call.params["webhook_id"])))

    def update(self, call: Call[UpdateWebhookRequest]) -> Reply:
        body = call.body
        body.changes()  # refuses a null the webhook cannot take
        command = ChangeWebhook(
            url=body.url,
            events=body.events,
            description=body.description,
            active=body.active,
            expected_version=call.if_match,
        )
        webhook = self._webhooks.change(call.in_org, call.params["webhook_id"], command)
        return Reply(body=webhook_body(webhook))

    def delete(self, call: Call[None]) -> Reply:
        self._webhooks.delete(call.in_org, call.params["webhook_id"], call.if_match)
        return Reply(status=204)

    def rotate(self, call: Call[None]) -> Reply:
        webhook = self._webhooks.rotate_secret(call.in_org, call.params["webhook_id"])
        return Reply(body=SecretBody(secret=webhook.secret))

    def ping(self, call: Call[None]) -> Reply:
        delivery = self._webhooks.ping(call.in_org, call.params["webhook_id"])
        return Reply(status=202, body=delivery_body(delivery))

    def deliveries(self, call: Call[None]) -> Reply:
        page = self._deliveries.page(call.in_org, call.params["webhook_id"], call.page)
        return Reply(body=page.map(delivery_body))

    def redeliver(self, call: Call[None]) -> Reply:
        delivery = self._deliveries.redeliver(
            call.in_org, call.params["webhook_id"], call.params["delivery_id"]
        )
        return Reply(status=202, body=delivery_body(delivery))

    def endpoints(self) -> Sequence[Endpoint]:
        webhooks = Routes.in_org(tag="webhooks")
        return [
            webhooks.post(
                "/webhooks",
                handler=self.create,
                body=CreateWebhookRequest,
                name="create_webhook",
                summary="Subscribe a URL to events",
                role=Role.ADMIN,
                response=CreatedWebhookBody,
                status=201,
                secret_in_response=True,
            ),
            webhooks.get(
                "/webhooks",
                handler=self.list,
                name="list_webhooks",
                summary="Webhooks (without secrets)",
                role=Role.ADMIN,
                response=WebhookBody,
                paginated=True,
            ),
            webhooks.get(
                "/webhooks/{webhook_id:uuid}",
                handler=self.get,
                name="get_webhook",
                summary="A webhook",
                role=Role.ADMIN,
                response=WebhookBody,
            ),
            webhooks.patch(
                "/webhooks/{webhook_id:uuid}",
                handler=self.update,
                body=UpdateWebhookRequest,
                name="update_webhook",
                summary="Change a webhook",
                role=Role.ADMIN,
                response=WebhookBody,
            ),
            webhooks.delete(
                "/webhooks/{webhook_id:uuid}",
                handler=self.delete,
                name="delete_webhook",
                summary="Delete a webhook",
                role=Role.ADMIN,
                status=204,
            ),
            webhooks.post(
                "/webhooks/{webhook_id:uuid}/rotate-secret",
                handler=self.rotate,
                name="rotate_webhook_secret",
                summary="New signing secret; the old one also signs for 24 h",
                role=Role.ADMIN,
                response=SecretBody,
                secret_in_response=True,
            ),
            webhooks.post(
                "/webhooks/{webhook_id:uuid}/ping",
                handler=self.ping,
                name="ping_webhook",
                summary="Send a webhook.ping event",
                role=Role.ADMIN,
                response=DeliveryBody,
                status=202,
            ),
            webhooks.get(
                "/webhooks/{webhook_id:uuid}/deliveries",
                handler=self.deliveries,
                name="list_deliveries",
                summary="The delivery log, newest first",
                role=Role.ADMIN,
                response=DeliveryBody,
                paginated=True,
            ),
            webhooks.post(
                "/webhooks/{webhook_id:uuid}/deliveries/{delivery_id:uuid}/redeliver",
                handler=self.redeliver,
                name="redeliver",
                summary="Attempt a delivery again now",
                role=Role.ADMIN,
                response=DeliveryBody,
                status=202,
                errors=(409,),
            ),
        ]


class EventEndpoints:
    """What partners read without a webhook: the catalogue of types, and the feed."""

    def __init__(self, *, catalogue: Sequence[EventType], feed: EventFeed) -> None:
        self._types = [
            EventTypeBody(type=t.name, description=t.description, schema=t.schema())
            for t in catalogue
        ]
        self._feed = feed

    def list_event_types(self, call: Call[None]) -> Reply:
        # The catalogue is one page, whatever the limit: its size is its total.
        return Reply(body=Page(items=self._types, next_after=None, total=len(self._types)))

    def list_events(self, call: Call[None]) -> Reply:
        page = self._feed.page(
            call.in_org, call.page, after=call.query.get("after"), types=call.query.get("types")
        )
        return Reply(body=page.map(lambda e: fields_from(EventBody, e, data=dict(e.data))))

    def endpoints(self) -> Sequence[Endpoint]:
        catalogue = Routes(tag="events", access=Access.PUBLIC)
        feed = Routes.in_org(tag="events")
        return [
            catalogue.get(
                "/event-types",
                handler=self.list_event_types,
                name="list_event_types",
                summary="Every event type, with the JSON Schema of its data",
                description=(
                    "The whole catalogue on one page: every type a webhook may subscribe "
                    "to and the feed may carry, and the JSON Schema its `data` follows."
                ),
                response=EventTypeBody,
                paginated=True,
            ),
            feed.get(
                "/events",
                handler=self.list_events,
                name="list_events",
                summary="The organization's events, oldest first, in commit order",
                description=(
                    "Every event a webhook could receive, kept for the event retention. "
                    "Poll with `after` set to the last event seen; a resume point past "
                    "the retention is 410."
                ),
                role=Role.VIEWER,
                response=EventBody,
                paginated=True,
                query=EVENT_FEED_QUERY,
                errors=(410,),
            ),
        ]
