"""Request and response bodies of the webhook endpoints."""

import uuid
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.integrations.domain.delivery import DeliveryStatus
from taskhub.contexts.integrations.domain.target import HTTPS_URL_PATTERN
from taskhub.platform.http.fields import PartialUpdate, described, text

_URL_RULE = (
    "An https URL without user info, whose host resolves to public addresses only "
    "(not loopback, private, link-local, shared, multicast or reserved, IPv4 embedded in "
    "IPv6 included); checked again at each delivery. `pattern` is this default, "
    "production rule; a server run with TASKHUB_WEBHOOK_ALLOW_PRIVATE=true lifts the "
    "https and address rules (it also takes http://)."
)
_URL_SCHEMA = {"format": "uri", "pattern": f"^{HTTPS_URL_PATTERN}$"}
"""Declared only: the domain checks the scheme (`parse_target`), from the same pattern,
because a setting relaxes it."""


@attrs.frozen
class CreateWebhookRequest:
    url: str = text(min_length=1, max_length=2048, declared=_URL_SCHEMA, description=_URL_RULE)
    events: list[str] = described('Event types, or ["*"] for every event.')
    description: str = text(max_length=20_000, default="")


@attrs.frozen
class UpdateWebhookRequest(PartialUpdate):
    url: str | None = text(
        min_length=1, max_length=2048, declared=_URL_SCHEMA, description=_URL_RULE, default=None
    )
    events: list[str] | None = None
    active: bool | None = None
    description: str | None = text(max_length=20_000, default=None)


@attrs.frozen
class WebhookBody:
    id: uuid.UUID
    url: str
    events: list[str]
    description: str
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen
class CreatedWebhookBody:
    """The new webhook; `secret` is shown only in this response."""

    id: uuid.UUID
    url: str
    events: list[str]
    description: str
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int
    secret: str


@attrs.frozen
class SecretBody:
    """The new signing secret; the previous one also signs for 24 hours."""

    secret: str


@attrs.frozen
class DeliveryBody:
    id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    response_status: int | None
    duration_ms: int | None
    next_attempt_at: datetime | None
    created_at: datetime


@attrs.frozen
class EventTypeBody:
    """A published event type and the JSON Schema (2020-12) of its `data`."""

    type: str
    description: str
    schema: dict[str, Any]


@attrs.frozen
class EventBody:
    """An event as the feed shows it; `data` is what a webhook receives as `data`."""

    id: uuid.UUID
    type: str
    occurred_at: datetime
    data: dict[str, Any]
