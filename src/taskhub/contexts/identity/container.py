"""Identity's providers; what it needs from outside is declared as dependencies."""

from collections.abc import Callable

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from taskhub.contexts.identity.adapters.http.account_endpoints import IdentityEndpoints
from taskhub.contexts.identity.adapters.http.admin_endpoints import AdminEndpoints
from taskhub.contexts.identity.adapters.http.api_key_endpoints import ApiKeyEndpoints
from taskhub.contexts.identity.adapters.http.personal_data_endpoints import (
    PersonalDataEndpoints,
)
from taskhub.contexts.identity.adapters.http.recovery_endpoints import RecoveryEndpoints
from taskhub.contexts.identity.adapters.mail import TEMPLATES
from taskhub.contexts.identity.adapters.security.access_tokens import JwtAccessTokenCodec
from taskhub.contexts.identity.adapters.security.opaque_tokens import SecretsOpaqueTokens
from taskhub.contexts.identity.adapters.security.passwords import BcryptPasswordHasher
from taskhub.contexts.identity.adapters.sql.tables import metadata
from taskhub.contexts.identity.adapters.sql.unit_of_work import SqlIdentityUnitOfWork
from taskhub.contexts.identity.application.account_recovery import AccountRecoveryService
from taskhub.contexts.identity.application.accounts import AccountService
from taskhub.contexts.identity.application.api_keys import ApiKeyService
from taskhub.contexts.identity.application.credentials import CredentialAuthenticator
from taskhub.contexts.identity.application.directory import IdentityUserDirectory
from taskhub.contexts.identity.application.invited_registration import InvitedRegistration
from taskhub.contexts.identity.application.personal_data import PersonalDataService
from taskhub.contexts.identity.application.remembered_access import revoked_scope
from taskhub.contexts.identity.application.session_tokens import SessionTokens
from taskhub.contexts.identity.application.sessions import SessionService
from taskhub.contexts.identity.application.staff import StaffService
from taskhub.contexts.identity.application.token_letters import TokenLetters
from taskhub.contexts.tenancy.public import InvitationDesk
from taskhub.platform.context_facets import endpoints_of
from taskhub.platform.mail.letters import FileLetters
from taskhub.platform.settings import Settings
from taskhub.platform.unit_of_work import EventSink
from taskhub.shared_kernel.answers import AnswerCache, ForgetOnCommit
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.personal_data import PersonalData


class IdentityContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    engine = providers.Dependency(instance_of=Engine)
    clock: providers.Dependency[Clock] = providers.Dependency()
    secret_key = providers.Dependency(instance_of=str)

    event_sinks: providers.Dependency[list[EventSink]] = providers.Dependency()

    on_commit: providers.Dependency[Callable[[], None]] = providers.Dependency()
    answers: providers.Dependency[AnswerCache] = providers.Dependency()
    # Tenancy's, for registering with an invitation token.
    invitation_desk: providers.Dependency[InvitationDesk] = providers.Dependency()
    # What the other contexts keep about a person, for the export and the erasure.
    personal_data_elsewhere: providers.Dependency[list[PersonalData]] = providers.Dependency()

    forget_revoked_sessions = providers.Singleton(
        ForgetOnCommit, answers=answers, scope_of=providers.Object(revoked_scope)
    )
    unit_of_work = providers.Factory(
        SqlIdentityUnitOfWork,
        engine=engine,
        sinks=event_sinks,
        after_commit=on_commit,
        observers=providers.List(forget_revoked_sessions),
    )
    password_hasher = providers.Singleton(
        BcryptPasswordHasher, rounds=settings.provided.bcrypt_rounds
    )
    access_tokens = providers.Singleton(
        JwtAccessTokenCodec, secret_key=secret_key, ttl_seconds=settings.provided.access_token_ttl
    )
    opaque_tokens = providers.Singleton(SecretsOpaqueTokens)
    session_tokens = providers.Singleton(
        SessionTokens,
        access_tokens=access_tokens,
        opaque_tokens=opaque_tokens,
        refresh_ttl=settings.provided.refresh_token_ttl,
    )
    letters = providers.Singleton(FileLetters, providers.Object(TEMPLATES))
    token_letters = providers.Singleton(
        TokenLetters,
        opaque_tokens=opaque_tokens,
        letters=letters,
        app_url=settings.provided.app_url,
    )
    accounts = providers.Singleton(
        AccountService,
        uow=unit_of_work.provider,
        hasher=password_hasher,
        tokens=session_tokens,
        clock=clock,
        token_letters=token_letters,
    )
    recovery = providers.Singleton(
        AccountRecoveryService,
        uow=unit_of_work.provider,
        hasher=password_hasher,
        token_letters=token_letters,
        clock=clock,
    )
    sessions = providers.Singleton(
        SessionService,
        uow=unit_of_work.provider,
        tokens=session_tokens,
        access_tokens=access_tokens,
        opaque_tokens=opaque_tokens,
        clock=clock,
        answers=answers,
    )
    api_keys = providers.Singleton(
        ApiKeyService, uow=unit_of_work.provider, opaque_tokens=opaque_tokens, clock=clock
    )
    authenticator = providers.Singleton(
        CredentialAuthenticator, sessions=sessions, api_keys=api_keys
    )
    user_directory = providers.Singleton(IdentityUserDirectory, uow=unit_of_work.provider)
    invited_registration = providers.Singleton(
        InvitedRegistration, accounts=accounts, invitations=invitation_desk
    )
    http = providers.Singleton(
        IdentityEndpoints,
        accounts=accounts,
        sessions=sessions,
        refresh_ttl=settings.provided.refresh_token_ttl,
        invited=invited_registration,
    )
    api_key_http = providers.Singleton(ApiKeyEndpoints, api_keys=api_keys)
    recovery_http = providers.Singleton(RecoveryEndpoints, recovery=recovery)
    staff = providers.Singleton(
        StaffService,
        uow=unit_of_work.provider,
        hasher=password_hasher,
        opaque_tokens=opaque_tokens,
        token_letters=token_letters,
        clock=clock,
    )
    admin_http = providers.Singleton(AdminEndpoints, staff=staff)
    personal_data = providers.Singleton(
        PersonalDataService,
        uow=unit_of_work.provider,
        hasher=password_hasher,
        opaque_tokens=opaque_tokens,
        others=personal_data_elsewhere,
        clock=clock,
    )
    personal_data_http = providers.Singleton(PersonalDataEndpoints, personal_data=personal_data)

    # The facets the composition root gathers (taskhub.platform.context_facets).
    endpoints = providers.Callable(
        endpoints_of,
        http.provided.endpoints.call(),
        api_key_http.provided.endpoints.call(),
        recovery_http.provided.endpoints.call(),
        admin_http.provided.endpoints.call(),
        personal_data_http.provided.endpoints.call(),
    )
    subscriptions = providers.List()
    tables = providers.Object(metadata)
    published_event_types = providers.Object(())
    background_jobs = providers.List()
