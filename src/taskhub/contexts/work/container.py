"""Work's providers; the role lookup comes from tenancy, the history from audit."""

from collections.abc import Callable

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from taskhub.contexts.audit.public import EntityHistory
from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.adapters.http.activity import ActivityEndpoints
from taskhub.contexts.work.adapters.http.comments import CommentEndpoints
from taskhub.contexts.work.adapters.http.cycles import CycleEndpoints, MilestoneEndpoints
from taskhub.contexts.work.adapters.http.dependencies import DependencyEndpoints
from taskhub.contexts.work.adapters.http.labels import LabelEndpoints
from taskhub.contexts.work.adapters.http.projects import ProjectEndpoints
from taskhub.contexts.work.adapters.http.states import StateEndpoints
from taskhub.contexts.work.adapters.http.tasks import TaskEndpoints
from taskhub.contexts.work.adapters.sql.personal_data import SqlWorkPersonalData
from taskhub.contexts.work.adapters.sql.tables import metadata
from taskhub.contexts.work.adapters.sql.task_visibility import SqlTaskVisibility
from taskhub.contexts.work.adapters.sql.unit_of_work import SqlWorkUnitOfWork
from taskhub.contexts.work.application.comments import CommentService
from taskhub.contexts.work.application.cycles import CycleService
from taskhub.contexts.work.application.dependencies import DependencyService
from taskhub.contexts.work.application.labels import LabelService
from taskhub.contexts.work.application.milestones import MilestoneService
from taskhub.contexts.work.application.projects import ProjectService
from taskhub.contexts.work.application.states import StateService
from taskhub.contexts.work.application.tasks import TaskService
from taskhub.contexts.work.public import CATALOGUE
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
    task_visibility = providers.Singleton(SqlTaskVisibility, engine=engine)
    labels = providers.Singleton(LabelService, uow=unit_of_work.provider, clock=clock)
    comments = providers.Singleton(CommentService, uow=unit_of_work.provider, clock=clock)
    states = providers.Singleton(StateService, uow=unit_of_work.provider, clock=clock)
    cycles = providers.Singleton(CycleService, uow=unit_of_work.provider, clock=clock)
    milestones = providers.Singleton(MilestoneService, uow=unit_of_work.provider, clock=clock)
    project_http = providers.Singleton(ProjectEndpoints, projects=projects)
    state_http = providers.Singleton(StateEndpoints, states=states)
    cycle_http = providers.Singleton(CycleEndpoints, cycles=cycles)
    milestone_http = providers.Singleton(MilestoneEndpoints, milestones=milestones)
    task_http = providers.Singleton(TaskEndpoints, tasks=tasks)
    activity_http = providers.Singleton(ActivityEndpoints, tasks=tasks, history=history)
    dependency_http = providers.Singleton(DependencyEndpoints, dependencies=task_dependencies)
    comment_http = providers.Singleton(CommentEndpoints, comments=comments)
    label_http = providers.Singleton(LabelEndpoints, labels=labels)

    # The tasks and comments a user created, for their account's export.
    personal_data = providers.Singleton(SqlWorkPersonalData, engine)

    # The facets the composition root gathers (taskhub.platform.context_facets).
    endpoints = providers.Callable(
        endpoints_of,
        project_http.provided.endpoints.call(),
        task_http.provided.endpoints.call(),
        activity_http.provided.endpoints.call(),
        dependency_http.provided.endpoints.call(),
        comment_http.provided.endpoints.call(),
        label_http.provided.endpoints.call(),
        state_http.provided.endpoints.call(),
        cycle_http.provided.endpoints.call(),
        milestone_http.provided.endpoints.call(),
    )
    subscriptions = providers.List()
    tables = providers.Object(metadata)
    published_event_types = providers.Object(CATALOGUE)
    background_jobs = providers.List()
