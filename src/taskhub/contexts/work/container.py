"""Work's providers; the role lookup comes from tenancy, the history from audit."""

from collections.abc import Callable

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from taskhub.contexts.audit.public import EntityHistory
from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.adapters.http.endpoints import WorkEndpoints
from taskhub.contexts.work.adapters.sql.personal_data import SqlWorkPersonalData
from taskhub.contexts.work.adapters.sql.tables import metadata
from taskhub.contexts.work.adapters.sql.unit_of_work import SqlWorkUnitOfWork
from taskhub.contexts.work.application.comments import CommentService
from taskhub.contexts.work.application.dependencies import DependencyService
from taskhub.contexts.work.application.labels import LabelService
from taskhub.contexts.work.application.projects import ProjectService
from taskhub.contexts.work.application.tasks import TaskService
from taskhub.contexts.work.public import PUBLISHED_TYPES
from taskhub.platform.context_facets import endpoints_of
from taskhub.platform.unit_of_work import EventSink
from taskhub.shared_kernel.clock import Clock


class WorkContainer(containers.DeclarativeContainer):
    engine = providers.Dependency(instance_of=Engine)
    clock: providers.Dependency[Clock] = providers.Dependency()
    roles: providers.Dependency[RoleLookup] = providers.Dependency()
    history: providers.Dependency[EntityHistory] = providers.Dependency()
    event_sinks: providers.Dependency[list[EventSink]] = providers.Dependency()
    on_commit: providers.Dependency[Callable[[], None]] = providers.Dependency()

    unit_of_work = providers.Factory(
        SqlWorkUnitOfWork, engine=engine, sinks=event_sinks, after_commit=on_commit
    )
    projects = providers.Singleton(ProjectService, uow=unit_of_work.provider, clock=clock)
    tasks = providers.Singleton(TaskService, uow=unit_of_work.provider, roles=roles, clock=clock)
    task_dependencies = providers.Singleton(
        DependencyService, uow=unit_of_work.provider, clock=clock
    )
    labels = providers.Singleton(LabelService, uow=unit_of_work.provider, clock=clock)
    comments = providers.Singleton(CommentService, uow=unit_of_work.provider, clock=clock)
    http = providers.Singleton(
        WorkEndpoints,
        projects=projects,
        tasks=tasks,
        dependencies=task_dependencies,
        labels=labels,
        comments=comments,
        history=history,
    )

    # The tasks and comments a user created, for their account's export.
    personal_data = providers.Singleton(SqlWorkPersonalData, engine)

    # The facets the composition root gathers (taskhub.platform.context_facets).
    endpoints = providers.Callable(endpoints_of, http.provided.endpoints.call())
    subscriptions = providers.List()
    tables = providers.Object(metadata)
    published_event_types = providers.Object(PUBLISHED_TYPES)
    background_jobs = providers.List()
