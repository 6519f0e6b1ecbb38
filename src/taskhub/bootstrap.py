"""The composition root: the one place that knows every context and wires them together.

Tests build the same container with other settings, or override single providers with
fakes (`container.identity.password_hasher.override(...)`), so what is tested is what
runs.
"""

from dependency_injector import containers, providers
from sqlalchemy import MetaData

from taskhub.contexts.audit.adapters.sql import tables as audit_tables
from taskhub.contexts.audit.container import AuditContainer
from taskhub.contexts.identity.adapters.sql import tables as identity_tables
from taskhub.contexts.identity.container import IdentityContainer
from taskhub.contexts.integrations import public as integrations_public
from taskhub.contexts.integrations.adapters.sql import tables as integrations_tables
from taskhub.contexts.integrations.container import IntegrationsContainer
from taskhub.contexts.tenancy import public as tenancy_public
from taskhub.contexts.tenancy.adapters.sql import tables as tenancy_tables
from taskhub.contexts.tenancy.container import TenancyContainer
from taskhub.contexts.work import public as work_public
from taskhub.contexts.work.adapters.sql import tables as work_tables
from taskhub.contexts.work.container import WorkContainer
from taskhub.platform import idempotency_tables
from taskhub.platform.acting import ContextActingSource
from taskhub.platform.answer_cache import redis_answer_cache
from taskhub.platform.database import create_database_engine
from taskhub.platform.keyring import Keyring
from taskhub.platform.messaging import tables as messaging_tables
from taskhub.platform.messaging.bus import Subscription
from taskhub.platform.messaging.consumer import EventConsumer
from taskhub.platform.messaging.names import broker_names as broker_names_for
from taskhub.platform.messaging.outbox import OutboxWriter
from taskhub.platform.messaging.relay import OutboxRelay, OutboxSignal
from taskhub.platform.metrics import HttpMetrics
from taskhub.platform.rate_limit import InMemoryRateLimiter, RateLimiter
from taskhub.platform.rate_limit_fallback import redis_rate_limiter
from taskhub.platform.secret_key import resolve_secret_key
from taskhub.platform.settings import Settings
from taskhub.shared_kernel.answers import AnswerCache, NoAnswerCache
from taskhub.shared_kernel.clock import SystemClock


def _rate_limiter(settings: Settings, metrics: HttpMetrics) -> RateLimiter:
    """Redis when configured (shared by every process; per process while it is away),
    else counters in this process."""
    if settings.redis_url:
        return redis_rate_limiter(settings.redis_url, registry=metrics.registry)
    return InMemoryRateLimiter()


def _answer_cache(settings: Settings, raise_when_not_broadcast: bool) -> AnswerCache:
    """Redis when configured: only then can every process (and command) forget an answer."""
    if settings.redis_url:
        return redis_answer_cache(
            settings.redis_url, raise_when_not_broadcast=raise_when_not_broadcast
        )
    return NoAnswerCache()


class ApplicationContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    secret_key = providers.Dependency(instance_of=str)
    # Per-purpose keys derived from the secret key, previous keys kept for reading.
    keyring = providers.Singleton(Keyring, secret_key, settings.provided.previous_secret_keys)

    engine = providers.Singleton(create_database_engine, settings.provided.database_url)
    clock = providers.Singleton(SystemClock)
    metrics = providers.Singleton(HttpMetrics)
    rate_limiter = providers.Singleton(_rate_limiter, settings=settings, metrics=metrics)
    # Session and role answers, remembered between requests (see platform.answer_cache).
    # A command raises `ForgetNotBroadcast` when the others could not be told (ADR 0020).
    raise_when_not_broadcast = providers.Dependency(instance_of=bool, default=False)
    answers = providers.Singleton(
        _answer_cache, settings=settings, raise_when_not_broadcast=raise_when_not_broadcast
    )

    acting = providers.Singleton(ContextActingSource)

    audit = providers.Container(
        AuditContainer, engine=engine, clock=clock, acting=acting, keyring=keyring
    )
    outbox_writer = providers.Singleton(OutboxWriter)
    # Every unit of work hands its committed events to these, in its own transaction.
    event_sinks = providers.List(audit.writer, outbox_writer)
    # A commit that wrote events wakes the in-process relay instead of waiting for its poll.
    outbox_signal = providers.Singleton(OutboxSignal)

    identity = providers.Container(
        IdentityContainer,
        settings=settings,
        engine=engine,
        clock=clock,
        secret_key=secret_key,
        event_sinks=event_sinks,
        on_commit=outbox_signal.provided.notify,
        answers=answers,
    )
    tenancy = providers.Container(
        TenancyContainer,
        engine=engine,
        clock=clock,
        user_directory=identity.user_directory,
        event_sinks=event_sinks,
        on_commit=outbox_signal.provided.notify,
        answers=answers,
    )

    work = providers.Container(
        WorkContainer,
        engine=engine,
        clock=clock,
        roles=tenancy.access,
        history=audit.history,
        event_sinks=event_sinks,
        on_commit=outbox_signal.provided.notify,
    )

    integrations = providers.Container(
        IntegrationsContainer,
        settings=settings,
        engine=engine,
        clock=clock,
        event_sinks=event_sinks,
        on_commit=outbox_signal.provided.notify,
        keyring=keyring,
        known_event_types=providers.Object(
            frozenset(
                tenancy_public.PUBLISHED_TYPES
                + work_public.PUBLISHED_TYPES
                + integrations_public.PUBLISHED_TYPES
            )
        ),
    )

    # Subscribers to the bus; a context adds its own here without touching the others.
    subscriptions: providers.Provider[list[Subscription]] = providers.List(
        integrations.subscription
    )
    # Loops that run beside the relay and the consumers (in `worker`, or in `serve`
    # with the in-process bus): each has `run(stop_event)`.
    background_jobs = providers.List(integrations.dispatcher_loop)
    # Exchange and queue names, and the deployment id every message carries.
    broker_names = providers.Singleton(broker_names_for, settings, engine)
    relay = providers.Factory(
        OutboxRelay,
        engine,
        settings.provided.broker_url,
        clock,
        broker_names,
        signal=outbox_signal,
        subscriptions=subscriptions,
    )
    consumer = providers.Factory(
        EventConsumer, engine, settings.provided.broker_url, subscriptions, clock, broker_names
    )


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
    """Every context's tables: alembic's target, and the schema tests' reference."""
    return [
        messaging_tables.metadata,
        idempotency_tables.metadata,
        identity_tables.metadata,
        tenancy_tables.metadata,
        audit_tables.metadata,
        work_tables.metadata,
        integrations_tables.metadata,
    ]


def is_dialect_specific(kind: str, name: str, table: str | None) -> bool:
    """Schema objects a migration creates per dialect and no MetaData models (search)."""
    if kind == "table":
        return name in work_tables.DIALECT_SPECIFIC_TABLES
    if kind == "column":
        return (table, name) in work_tables.DIALECT_SPECIFIC_COLUMNS
    if kind == "index":
        return name in work_tables.DIALECT_SPECIFIC_INDEXES
    return False
