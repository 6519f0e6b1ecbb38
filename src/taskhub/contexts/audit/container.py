"""Audit's providers: the writer other contexts' units of work hand their events to."""

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from taskhub.contexts.audit.adapters.http.endpoints import AuditEndpoints
from taskhub.contexts.audit.adapters.sql.writer import SqlAuditWriter
from taskhub.shared_kernel.acting import ActingSource
from taskhub.shared_kernel.clock import Clock


class AuditContainer(containers.DeclarativeContainer):
    engine = providers.Dependency(instance_of=Engine)
    clock: providers.Dependency[Clock] = providers.Dependency()
    acting: providers.Dependency[ActingSource] = providers.Dependency()

    writer = providers.Singleton(SqlAuditWriter, acting=acting, clock=clock)
    http = providers.Singleton(AuditEndpoints, engine=engine)
