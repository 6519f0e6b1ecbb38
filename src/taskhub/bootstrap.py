"""The composition root: the one place that knows every context and wires them together.

Tests build the same container with other settings, or override single providers with
fakes (`container.identity.password_hasher.override(...)`), so what is tested is what
runs.
"""

from dependency_injector import containers, providers
from sqlalchemy import MetaData

from taskhub.contexts.audit.container import AuditContainer
from taskhub.contexts.identity.adapters.sql import tables as identity_tables
from taskhub.contexts.identity.container import IdentityContainer
from taskhub.contexts.tenancy.adapters.sql import tables as tenancy_tables
from taskhub.contexts.tenancy.container import TenancyContainer
from taskhub.platform.acting import ContextActingSource
from taskhub.platform.database import create_database_engine
from taskhub.platform.metrics import HttpMetrics
from taskhub.platform.rate_limit import (
    InMemoryRateLimiter,
    RateLimiter,
    rate_limiter_errors_counter,
    redis_rate_limiter,
)
from taskhub.platform.secret_key import resolve_secret_key
from taskhub.platform.settings import Settings
from taskhub.shared_kernel.clock import SystemClock


def _rate_limiter(settings: Settings, metrics: HttpMetrics) -> RateLimiter:
    """Redis when configured (shared by every process), else counters in this process."""
    if settings.redis_url:
        return redis_rate_limiter(
            settings.redis_url, errors_counter=rate_limiter_errors_counter(metrics.registry)
        )
    return InMemoryRateLimiter()


class ApplicationContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    secret_key = providers.Dependency(instance_of=str)

    engine = providers.Singleton(create_database_engine, settings.provided.database_url)
    clock = providers.Singleton(SystemClock)
    metrics = providers.Singleton(HttpMetrics)
    rate_limiter = providers.Singleton(_rate_limiter, settings=settings, metrics=metrics)

    acting = providers.Singleton(ContextActingSource)

    audit = providers.Container(AuditContainer, engine=engine, clock=clock, acting=acting)
    # Every unit of work hands its committed events to these, in its own transaction.
    event_sinks = providers.List(audit.writer)

    identity = providers.Container(
        IdentityContainer,
        settings=settings,
        engine=engine,
        clock=clock,
        secret_key=secret_key,
        event_sinks=event_sinks,
    )
    tenancy = providers.Container(
        TenancyContainer,
        engine=engine,
        clock=clock,
        user_directory=identity.user_directory,
        event_sinks=event_sinks,
    )


def build_container(settings: Settings) -> ApplicationContainer:
    """Raises SettingsError when the configuration cannot be completed (no secret key)."""
    return ApplicationContainer(settings=settings, secret_key=resolve_secret_key(settings))


def all_metadata() -> list[MetaData]:
    """Every context's tables: alembic's target, and the schema tests' reference."""
    return [identity_tables.metadata, tenancy_tables.metadata]
