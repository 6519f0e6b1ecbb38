"""The composition root: the one place that knows every context and wires them together.

Tests build the same container with other settings, or override single providers with
fakes (`container.identity.password_hasher.override(...)`), so what is tested is what
runs.
"""

from collections.abc import Mapping
from typing import Any

from dependency_injector import containers, providers
from sqlalchemy import MetaData

from taskhub.contexts.attachments.container import AttachmentsContainer
from taskhub.contexts.audit.container import AuditContainer
from taskhub.contexts.identity.container import IdentityContainer
from taskhub.contexts.integrations.container import IntegrationsContainer
from taskhub.contexts.notifications.container import NotificationsContainer
from taskhub.contexts.realtime.container import RealtimeContainer
from taskhub.contexts.tenancy.container import TenancyContainer
from taskhub.contexts.work.adapters.sql import tables as work_tables
from taskhub.contexts.work.container import WorkContainer
from taskhub.platform import idempotency_tables
from taskhub.platform.acting import ContextActingSource
from taskhub.platform.answer_cache import redis_answer_cache
from taskhub.platform.context_facets import FACETS
from taskhub.platform.database_metrics import watched_engine
from taskhub.platform.keyring import Keyring
from taskhub.platform.mail import tables as mail_tables
from taskhub.platform.mail.outbox import MAIL_BODIES, MailOutboxWriter
from taskhub.platform.mail.sender import MailSender
from taskhub.platform.mail.transports import transport_for
from taskhub.platform.messaging import tables as messaging_tables
from taskhub.platform.messaging.bus import Subscription
from taskhub.platform.messaging.consumer import EventConsumer
from taskhub.platform.messaging.names import broker_names as broker_names_for
from taskhub.platform.messaging.outbox import OutboxWriter
from taskhub.platform.messaging.probes import BacklogCollector
from taskhub.platform.messaging.relay import OutboxRelay, OutboxSignal
from taskhub.platform.metrics import HttpMetrics
from taskhub.platform.rate_limit import InMemoryRateLimiter, RateLimiter
from taskhub.platform.rate_limit_fallback import redis_rate_limiter
from taskhub.platform.secret_box import SecretBox
from taskhub.platform.secret_key import resolve_secret_key
from taskhub.platform.settings import Settings
from taskhub.platform.unit_of_work import EventSink
from taskhub.shared_kernel.answers import AnswerCache, NoAnswerCache
from taskhub.shared_kernel.clock import SystemClock
from taskhub.shared_kernel.event_catalogue import EventType


def _rate_limiter(settings: Settings, metrics: HttpMetrics) -> RateLimiter:
    """Redis when configured (shared by every process; per process while it is away),
    else counters in this process."""
    if settings.redis_url:
        return redis_rate_limiter(settings.redis_url, registry=metrics.registry)
    return InMemoryRateLimiter()


def _backlog_metrics(root: "ApplicationContainer") -> BacklogCollector:
    """The outbox backlog and queue depths, rendered in this process's metrics."""
    collector = BacklogCollector(
        root.engine(),
        root.settings().broker_url,
        root.broker_names(),
        root.subscriptions(),
        root.clock().now,
    )
    root.metrics().add_scraped(collector)
    return collector


def _answer_cache(settings: Settings, raise_when_not_broadcast: bool) -> AnswerCache:
    """Redis when configured: only then can every process (and command) forget an answer."""
    if settings.redis_url:
        return redis_answer_cache(
            settings.redis_url, raise_when_not_broadcast=raise_when_not_broadcast
        )
    return NoAnswerCache()


def compose_context(
    container: type[containers.DeclarativeContainer],
    shared: Mapping[str, providers.Provider[Any]],
    **ports: providers.Provider[Any],
) -> providers.Container[Any]:
    """`container` as one context of the root.

    Each dependency the context declares is met by the root's provider of the same name
    in `shared` (engine, clock, event_sinks, on_commit, ...), unless `ports` names it:
    what the context needs from another context, spelled out where it is composed. A
    dependency neither meets, or a missing facet, fails at import, not at first use.
    """
    missing = [facet for facet in FACETS if facet not in container.providers]
    unmet = sorted(set(container.dependencies) - set(shared) - set(ports))
    if missing or unmet:
        raise TypeError(
            f"{container.__name__} cannot be composed: facets missing {missing}, "
            f"dependencies unmet {unmet}"
        )
    given = {name: shared[name] for name in container.dependencies if name not in ports}
    return providers.Container(container, **given, **ports)


def contexts(
    root: "ApplicationContainer | type[ApplicationContainer]",
) -> dict[str, providers.Container[Any]]:
    """The root's contexts by name, in the order they are composed.

    From the class, for what needs no configuration (the tables); from a built
    container, for what does (endpoints, subscriptions, jobs).
    """
    return {
        name: provider
        for name, provider in root.providers.items()
        if isinstance(provider, providers.Container)
    }


def _gathered(root: "ApplicationContainer", facet: str) -> list[Any]:
    return [item for context in contexts(root).values() for item in getattr(context, facet)()]


def _event_sinks(root: "ApplicationContainer") -> list[EventSink]:
    """The audit writer last: it locks the organization's chain head, which every write
    in the organization waits for, so that lock is taken after the outbox rows are
    written and held only for the entry, the head and the commit (ADR 0039)."""
    return [root.outbox_writer(), root.mail_outbox_writer(), root.audit.writer()]


def _background_jobs(root: "ApplicationContainer") -> list[Any]:
    return [*_gathered(root, "background_jobs"), root.mail_sender()]


def _event_catalogue(root: "ApplicationContainer") -> tuple[EventType, ...]:
    """Every published type, in the order of the contexts and of each context's list."""
    return tuple(_gathered(root, "published_event_types"))


def _known_event_types(root: "ApplicationContainer") -> frozenset[str]:
    return frozenset(event_type.name for event_type in root.event_catalogue())


def _invitation_desk(root: "ApplicationContainer") -> Any:
    return root.tenancy.invitations()


def _personal_data_elsewhere(root: "ApplicationContainer") -> list[Any]:
    """Tenancy first: it may refuse the erasure (the only owner of an organization)
    before anything else changed."""
    return [root.tenancy.personal_data(), root.work.personal_data(), root.audit.personal_data()]


class ApplicationContainer(containers.DeclarativeContainer):
    __self__ = providers.Self()

    settings = providers.Dependency(instance_of=Settings)
    secret_key = providers.Dependency(instance_of=str)
    # Per-purpose keys derived from the secret key, previous keys kept for reading.
    keyring = providers.Singleton(Keyring, secret_key, settings.provided.previous_secret_keys)

    metrics = providers.Singleton(HttpMetrics)
    # Its pool and slow statements are measured (platform.database_metrics).
    engine = providers.Singleton(
        watched_engine,
        settings.provided.database_url,
        metrics.provided.registry,
        settings.provided.slow_query_ms,
    )
    clock = providers.Singleton(SystemClock)
    rate_limiter = providers.Singleton(_rate_limiter, settings=settings, metrics=metrics)
    # Session and role answers, remembered between requests (see platform.answer_cache).
    # A command raises `ForgetNotBroadcast` when the others could not be told (ADR 0020).
    raise_when_not_broadcast = providers.Dependency(instance_of=bool, default=False)
    answers = providers.Singleton(
        _answer_cache, settings=settings, raise_when_not_broadcast=raise_when_not_broadcast
    )

    acting = providers.Singleton(ContextActingSource)
    outbox_writer = providers.Singleton(OutboxWriter, acting)
    # Emails queued by a change (MailQueued) are written beside it and sent afterwards.
    mail_box = providers.Singleton(SecretBox, keyring, MAIL_BODIES)
    mail_outbox_writer = providers.Singleton(MailOutboxWriter, mail_box)
    mail_transport = providers.Singleton(transport_for, settings.provided.smtp_url)
    mail_sender = providers.Singleton(
        MailSender, engine, mail_transport, clock, mail_box, settings.provided.mail_from
    )
    # Every unit of work hands its committed events to these, in its own transaction:
    # audit's writer, the outbox, then the mail outbox.
    event_sinks = providers.Callable(_event_sinks, __self__)
    # A commit that wrote events wakes the in-process relay instead of waiting for its poll.
    outbox_signal = providers.Singleton(OutboxSignal)
    # What every context publishes, each type with the class of its `data`, and the
    # names alone: the types a webhook may subscribe to and the feed may filter by.
    event_catalogue = providers.Callable(_event_catalogue, __self__)
    known_event_types = providers.Callable(_known_event_types, __self__)
    # Exchange and queue names, and the deployment id every message carries.
    broker_names = providers.Singleton(broker_names_for, settings, engine)

    # What a context is given when its container declares a dependency of that name.
    _shared: Mapping[str, providers.Provider[Any]] = {
        "settings": settings,
        "secret_key": secret_key,
        "keyring": keyring,
        "engine": engine,
        "clock": clock,
        "metrics_registry": metrics.provided.registry,
        "answers": answers,
        "acting": acting,
        "event_sinks": event_sinks,
        "on_commit": outbox_signal.provided.notify,
        "known_event_types": known_event_types,
        "event_catalogue": event_catalogue,
        "broker_names": broker_names,
    }

    # The contexts: this list is the only place that names them all. Everything that
    # needs every context (routes, tables, subscribers, background jobs, event types)
    # is derived from it by `contexts()`. A context that needs nothing from the others
    # is one line here; what one needs from another is passed as a keyword, explicitly.
    # Identity's registration asks tenancy's invitation desk, and tenancy asks identity's
    # directory: the desk is looked up when first used, so the two can be composed in turn.
    identity = compose_context(
        IdentityContainer,
        _shared,
        invitation_desk=providers.Callable(_invitation_desk, __self__),
        personal_data_elsewhere=providers.Callable(_personal_data_elsewhere, __self__),
    )
    tenancy = compose_context(
        TenancyContainer,
        _shared,
        user_directory=identity.user_directory,
        invitation_tokens=identity.opaque_tokens,
    )
    audit = compose_context(AuditContainer, _shared)
    work = compose_context(WorkContainer, _shared, roles=tenancy.access, history=audit.history)
    integrations = compose_context(IntegrationsContainer, _shared)
    attachments = compose_context(AttachmentsContainer, _shared, tasks=work.task_visibility)
    notifications = compose_context(
        NotificationsContainer,
        _shared,
        tasks=work.task_visibility,
        roles=tenancy.access,
        user_directory=identity.user_directory,
    )
    realtime = compose_context(
        RealtimeContainer,
        _shared,
        event_log=integrations.event_log,
        authenticator=identity.authenticator,
        roles=tenancy.access,
    )

    # What the HTTP platform needs from particular contexts: who the caller is, and
    # their role in an organization.
    authenticator = identity.authenticator
    org_access = tenancy.access
    # Task keys in paths (ENG-42) resolved to ids.
    task_keys = work.task_visibility
    # What readiness checks besides the database: the attachments' storage.
    storage = attachments.storage

    # Subscribers to the bus, gathered from every context.
    subscriptions: providers.Provider[list[Subscription]] = providers.Callable(
        _gathered, __self__, "subscriptions"
    )
    # Loops that run beside the relay and the consumers (in `worker`, or in `serve`
    # with the in-process bus): each has `run(stop_event)`. The mail sender is one.
    background_jobs = providers.Callable(_background_jobs, __self__)
    relay = providers.Factory(
        OutboxRelay,
        engine,
        settings.provided.broker_url,
        clock,
        broker_names,
        signal=outbox_signal,
        subscriptions=subscriptions,
        retention=settings.provided.event_retention,
    )
    consumer = providers.Factory(
        EventConsumer, engine, settings.provided.broker_url, subscriptions, clock, broker_names
    )
    # Registered once, by the process that relays (entrypoints.worker.MessagingThreads).
    backlog_metrics = providers.Singleton(_backlog_metrics, __self__)


def build_container(
    settings: Settings, *, raise_when_not_broadcast: bool = False
) -> ApplicationContainer:
    """Raises SettingsError when the configuration cannot be completed (no secret key).

    `raise_when_not_broadcast` is for commands: a change the serving processes could not
    be told of raises `ForgetNotBroadcast` after its commit instead of only being logged.
    """
    return ApplicationContainer(
        settings=settings,
        secret_key=resolve_secret_key(settings),
        raise_when_not_broadcast=raise_when_not_broadcast,
    )


def all_metadata() -> list[MetaData]:
    """The platform's tables and every context's: alembic's target, and the schema
    tests' reference."""
    platform = [messaging_tables.metadata, idempotency_tables.metadata, mail_tables.metadata]
    return platform + [context.tables() for context in contexts(ApplicationContainer).values()]


def is_dialect_specific(kind: str, name: str, table: str | None) -> bool:
    """Schema objects a migration creates per dialect and no MetaData models (search)."""
    if kind == "table":
        return name in work_tables.DIALECT_SPECIFIC_TABLES
    if kind == "column":
        return (table, name) in work_tables.DIALECT_SPECIFIC_COLUMNS
    if kind == "index":
        return name in work_tables.DIALECT_SPECIFIC_INDEXES
    return False
