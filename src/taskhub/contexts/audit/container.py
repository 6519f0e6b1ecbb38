"""Audit's providers: the writer every unit of work commits through, the log queries,
and the entity history other contexts read through `audit.public.EntityHistory`."""

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from taskhub.contexts.audit.adapters.http.endpoints import AuditEndpoints
from taskhub.contexts.audit.adapters.keyring_chain_keys import KeyringChainKeys
from taskhub.contexts.audit.adapters.sql.tables import metadata
from taskhub.contexts.audit.adapters.sql.unit_of_work import SqlAuditUnitOfWork
from taskhub.contexts.audit.adapters.sql.writer import SqlAuditWriter
from taskhub.contexts.audit.application.history import AuditEntityHistory
from taskhub.contexts.audit.application.personal_data import AuditPersonalData
from taskhub.contexts.audit.application.queries import AuditLogQueries
from taskhub.platform.context_facets import endpoints_of
from taskhub.platform.keyring import Keyring
from taskhub.shared_kernel.acting import ActingSource
from taskhub.shared_kernel.clock import Clock


class AuditContainer(containers.DeclarativeContainer):
    engine = providers.Dependency(instance_of=Engine)
    # Entries take their time from the event they record, not from the clock.
    clock: providers.Dependency[Clock] = providers.Dependency()
    acting: providers.Dependency[ActingSource] = providers.Dependency()
    keyring = providers.Dependency(instance_of=Keyring)

    chain_keys = providers.Singleton(KeyringChainKeys, keyring=keyring)
    unit_of_work = providers.Factory(SqlAuditUnitOfWork, engine=engine)
    writer = providers.Singleton(SqlAuditWriter, acting=acting, keys=chain_keys)
    log = providers.Singleton(AuditLogQueries, uow=unit_of_work.provider, keys=chain_keys)
    history = providers.Singleton(AuditEntityHistory, uow=unit_of_work.provider)
    http = providers.Singleton(AuditEndpoints, log=log)
    # The security log, for an account's export.
    personal_data = providers.Singleton(AuditPersonalData, uow=unit_of_work.provider)

    # The facets the composition root gathers (taskhub.platform.context_facets).
    endpoints = providers.Callable(endpoints_of, http.provided.endpoints.call())
    subscriptions = providers.List()
    tables = providers.Object(metadata)
    published_event_types = providers.Object(())
    background_jobs = providers.List()
