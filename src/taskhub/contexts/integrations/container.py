"""Integrations' providers: webhook management, the fan-out subscriber, the dispatcher."""

from collections.abc import Callable

import orjson
from dependency_injector import containers, providers
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine

from taskhub.contexts.integrations.adapters.delivery.loop import DispatcherLoop
from taskhub.contexts.integrations.adapters.delivery.observed import (
    DeliveryMetrics,
    ObservedSender,
)
from taskhub.contexts.integrations.adapters.delivery.resolver import SystemResolver
from taskhub.contexts.integrations.adapters.delivery.secrets import RandomSecrets
from taskhub.contexts.integrations.adapters.delivery.sender import SafeHttpSender
from taskhub.contexts.integrations.adapters.http.endpoints import (
    EventEndpoints,
    IntegrationEndpoints,
)
from taskhub.contexts.integrations.adapters.messaging.subscriptions import fan_out_subscription
from taskhub.contexts.integrations.adapters.sql.event_log import SqlEventLog
from taskhub.contexts.integrations.adapters.sql.tables import metadata
from taskhub.contexts.integrations.adapters.sql.unit_of_work import (
    WEBHOOK_SECRETS,
    SqlIntegrationsUnitOfWork,
)
from taskhub.contexts.integrations.application.deliveries import DeliveryLog
from taskhub.contexts.integrations.application.dispatcher import Dispatcher
from taskhub.contexts.integrations.application.event_feed import EventFeed
from taskhub.contexts.integrations.application.fan_out import FanOut
from taskhub.contexts.integrations.application.targets import TargetPolicy
from taskhub.contexts.integrations.application.webhooks import WebhookService
from taskhub.contexts.integrations.public import CATALOGUE
from taskhub.platform.context_facets import endpoints_of
from taskhub.platform.keyring import Keyring
from taskhub.platform.messaging.relay import OutboxSignal
from taskhub.platform.secret_box import SecretBox
from taskhub.platform.settings import Settings
from taskhub.platform.unit_of_work import EventSink
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.event_catalogue import EventType


class IntegrationsContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    engine = providers.Dependency(instance_of=Engine)
    clock: providers.Dependency[Clock] = providers.Dependency()
    event_sinks: providers.Dependency[list[EventSink]] = providers.Dependency()
    on_commit: providers.Dependency[Callable[[], None]] = providers.Dependency()
    known_event_types: providers.Dependency[frozenset[str]] = providers.Dependency()
    event_catalogue: providers.Dependency[tuple[EventType, ...]] = providers.Dependency()
    keyring = providers.Dependency(instance_of=Keyring)
    metrics_registry = providers.Dependency(instance_of=CollectorRegistry)

    # Webhook secrets are sealed in their rows under a key of their own purpose.
    secret_box = providers.Singleton(SecretBox, keyring, WEBHOOK_SECRETS)
    unit_of_work = providers.Factory(
        SqlIntegrationsUnitOfWork,
        engine=engine,
        box=secret_box,
        sinks=event_sinks,
        after_commit=on_commit,
    )
    resolver = providers.Singleton(SystemResolver)
    targets = providers.Singleton(
        TargetPolicy, resolver=resolver, allow_private=settings.provided.webhook_allow_private
    )
    signal = providers.Singleton(OutboxSignal)
    webhooks = providers.Singleton(
        WebhookService,
        uow=unit_of_work.provider,
        targets=targets,
        secrets=providers.Singleton(RandomSecrets),
        clock=clock,
        known_event_types=known_event_types,
        wake_dispatcher=signal.provided.notify,
    )
    delivery_log = providers.Singleton(
        DeliveryLog, uow=unit_of_work.provider, clock=clock, wake_dispatcher=signal.provided.notify
    )
    fan_out = providers.Singleton(
        FanOut, uow=unit_of_work.provider, clock=clock, wake_dispatcher=signal.provided.notify
    )
    subscription = providers.Singleton(
        fan_out_subscription, fan_out, secret_box, signal.provided.notify
    )
    # Each attempt counted by outcome and traced (adapters.delivery.observed).
    sender = providers.Singleton(
        ObservedSender,
        providers.Singleton(SafeHttpSender),
        providers.Singleton(DeliveryMetrics, metrics_registry),
    )
    dispatcher = providers.Singleton(
        Dispatcher,
        uow=unit_of_work.provider,
        sender=sender,
        targets=targets,
        clock=clock,
        schedule=settings.provided.webhook_retry_schedule,
        encode=providers.Object(orjson.dumps),
    )
    dispatcher_loop = providers.Factory(DispatcherLoop, dispatcher, signal)
    http = providers.Singleton(IntegrationEndpoints, webhooks=webhooks, deliveries=delivery_log)
    # The organization's events, read from the outbox, which keeps them for the retention;
    # published as `OrgEventLog` for the live stream (realtime).
    event_log = providers.Singleton(SqlEventLog, engine)
    event_feed = providers.Singleton(
        EventFeed,
        log=event_log,
        clock=clock,
        retention=settings.provided.event_retention,
        known_event_types=known_event_types,
    )
    events_http = providers.Singleton(EventEndpoints, catalogue=event_catalogue, feed=event_feed)

    # The facets the composition root gathers (taskhub.platform.context_facets).
    endpoints = providers.Callable(
        endpoints_of, http.provided.endpoints.call(), events_http.provided.endpoints.call()
    )
    subscriptions = providers.List(subscription)
    tables = providers.Object(metadata)
    published_event_types = providers.Object(CATALOGUE)
    # Delivers what the subscription scheduled, woken by it or by its own timer.
    background_jobs = providers.List(dispatcher_loop)
