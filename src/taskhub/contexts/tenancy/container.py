"""Tenancy's providers; the user directory comes from identity through the root."""

from collections.abc import Callable

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from taskhub.contexts.identity.public import UserDirectory
from taskhub.contexts.tenancy.adapters.http.endpoints import TenancyEndpoints
from taskhub.contexts.tenancy.adapters.http.invitation_endpoints import InvitationEndpoints
from taskhub.contexts.tenancy.adapters.mail import TEMPLATES
from taskhub.contexts.tenancy.adapters.sql.tables import metadata
from taskhub.contexts.tenancy.adapters.sql.unit_of_work import SqlTenancyUnitOfWork
from taskhub.contexts.tenancy.application.access import TenancyAccess, changed_roles_scope
from taskhub.contexts.tenancy.application.invitation_ports import InvitationTokens
from taskhub.contexts.tenancy.application.invitations import InvitationService
from taskhub.contexts.tenancy.application.members import MemberService
from taskhub.contexts.tenancy.application.organizations import OrganizationService
from taskhub.contexts.tenancy.application.personal_data import TenancyPersonalData
from taskhub.contexts.tenancy.application.teams import TeamService
from taskhub.contexts.tenancy.public import CATALOGUE
from taskhub.platform.context_facets import endpoints_of
from taskhub.platform.mail.letters import FileLetters
from taskhub.platform.settings import Settings
from taskhub.platform.unit_of_work import EventSink
from taskhub.shared_kernel.answers import AnswerCache, ForgetOnCommit
from taskhub.shared_kernel.clock import Clock


class TenancyContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    engine = providers.Dependency(instance_of=Engine)
    clock: providers.Dependency[Clock] = providers.Dependency()
    user_directory: providers.Dependency[UserDirectory] = providers.Dependency()
    # Random tokens and their digests (identity's, through the root).
    invitation_tokens: providers.Dependency[InvitationTokens] = providers.Dependency()

    event_sinks: providers.Dependency[list[EventSink]] = providers.Dependency()

    on_commit: providers.Dependency[Callable[[], None]] = providers.Dependency()
    answers: providers.Dependency[AnswerCache] = providers.Dependency()

    forget_changed_roles = providers.Singleton(
        ForgetOnCommit, answers=answers, scope_of=providers.Object(changed_roles_scope)
    )
    unit_of_work = providers.Factory(
        SqlTenancyUnitOfWork,
        engine=engine,
        sinks=event_sinks,
        after_commit=on_commit,
        observers=providers.List(forget_changed_roles),
    )
    access = providers.Singleton(TenancyAccess, uow=unit_of_work.provider, answers=answers)
    organizations = providers.Singleton(OrganizationService, uow=unit_of_work.provider, clock=clock)
    members = providers.Singleton(
        MemberService, uow=unit_of_work.provider, directory=user_directory, clock=clock
    )
    teams = providers.Singleton(TeamService, uow=unit_of_work.provider, clock=clock)
    letters = providers.Singleton(FileLetters, providers.Object(TEMPLATES))
    invitations = providers.Singleton(
        InvitationService,
        uow=unit_of_work.provider,
        directory=user_directory,
        tokens=invitation_tokens,
        letters=letters,
        app_url=settings.provided.app_url,
        clock=clock,
    )
    http = providers.Singleton(
        TenancyEndpoints, organizations=organizations, members=members, teams=teams
    )
    invitation_http = providers.Singleton(InvitationEndpoints, invitations=invitations, clock=clock)

    # Memberships, for an account's export and erasure.
    personal_data = providers.Singleton(TenancyPersonalData, uow=unit_of_work.provider, clock=clock)

    # The facets the composition root gathers (taskhub.platform.context_facets).
    endpoints = providers.Callable(
        endpoints_of,
        http.provided.endpoints.call(),
        invitation_http.provided.endpoints.call(),
    )
    subscriptions = providers.List()
    tables = providers.Object(metadata)
    published_event_types = providers.Object(CATALOGUE)
    background_jobs = providers.List()
