"""Notifications' providers. From other contexts, through the root: whether a task is live
(work), who is a member (tenancy), who a user is and who an invited address is (identity)."""

from collections.abc import Callable

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from taskhub.contexts.identity.public import UserDirectory
from taskhub.contexts.notifications.adapters.http.endpoints import NotificationEndpoints
from taskhub.contexts.notifications.adapters.job_loops import (
    DUE_SOON_INTERVAL_SECONDS,
    EMAIL_INTERVAL_SECONDS,
    PeriodicLoop,
)
from taskhub.contexts.notifications.adapters.mail import TEMPLATES
from taskhub.contexts.notifications.adapters.messaging.subscriptions import (
    notifications_subscription,
)
from taskhub.contexts.notifications.adapters.sql.tables import metadata
from taskhub.contexts.notifications.adapters.sql.unit_of_work import SqlNotificationsUnitOfWork
from taskhub.contexts.notifications.application.delivery import NotificationDelivery
from taskhub.contexts.notifications.application.due_soon import DueSoonNotices
from taskhub.contexts.notifications.application.email_digest import EmailDigest
from taskhub.contexts.notifications.application.inbox import InboxService
from taskhub.contexts.notifications.application.reactions import NotificationReactions
from taskhub.contexts.notifications.application.watchers import WatcherService
from taskhub.contexts.notifications.public import PUBLISHED_TYPES
from taskhub.contexts.tenancy.public import RoleLookup
from taskhub.contexts.work.public.task_visibility import TaskVisibility
from taskhub.platform.context_facets import endpoints_of
from taskhub.platform.mail.letters import FileLetters
from taskhub.platform.settings import Settings
from taskhub.platform.unit_of_work import EventSink
from taskhub.shared_kernel.clock import Clock


class NotificationsContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    engine = providers.Dependency(instance_of=Engine)
    clock: providers.Dependency[Clock] = providers.Dependency()
    tasks: providers.Dependency[TaskVisibility] = providers.Dependency()
    roles: providers.Dependency[RoleLookup] = providers.Dependency()
    user_directory: providers.Dependency[UserDirectory] = providers.Dependency()
    event_sinks: providers.Dependency[list[EventSink]] = providers.Dependency()
    on_commit: providers.Dependency[Callable[[], None]] = providers.Dependency()

    unit_of_work = providers.Factory(
        SqlNotificationsUnitOfWork, engine=engine, sinks=event_sinks, after_commit=on_commit
    )
    letters = providers.Singleton(FileLetters, providers.Object(TEMPLATES))
    delivery = providers.Singleton(NotificationDelivery, members=roles)
    reactions = providers.Singleton(
        NotificationReactions, delivery=delivery, members=roles, directory=user_directory
    )
    watchers = providers.Singleton(
        WatcherService, uow=unit_of_work.provider, tasks=tasks, members=roles, clock=clock
    )
    inbox = providers.Singleton(InboxService, uow=unit_of_work.provider, clock=clock)
    due_soon = providers.Singleton(
        DueSoonNotices, uow=unit_of_work.provider, delivery=delivery, members=roles, clock=clock
    )
    email_digest = providers.Singleton(
        EmailDigest,
        uow=unit_of_work.provider,
        directory=user_directory,
        letters=letters,
        clock=clock,
        delay_seconds=settings.provided.notification_email_delay,
        app_url=settings.provided.app_url,
    )
    http = providers.Singleton(NotificationEndpoints, watchers=watchers, inbox=inbox)
    subscription = providers.Singleton(notifications_subscription, reactions=reactions)
    due_soon_loop = providers.Factory(
        PeriodicLoop, "due_soon", due_soon.provided.run_once, DUE_SOON_INTERVAL_SECONDS
    )
    email_loop = providers.Factory(
        PeriodicLoop, "email_digest", email_digest.provided.send_due, EMAIL_INTERVAL_SECONDS
    )

    # The facets the composition root gathers (taskhub.platform.context_facets).
    endpoints = providers.Callable(endpoints_of, http.provided.endpoints.call())
    subscriptions = providers.List(subscription)
    tables = providers.Object(metadata)
    published_event_types = providers.Object(PUBLISHED_TYPES)
    background_jobs = providers.List(due_soon_loop, email_loop)
