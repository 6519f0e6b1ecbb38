"""Realtime's providers. From other contexts, through the root: the organization's
event log (integrations), who a credential is (identity) and their role (tenancy)."""

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from taskhub.contexts.integrations.public import OrgEventLog
from taskhub.contexts.realtime.adapters.http.endpoints import RealtimeEndpoints
from taskhub.contexts.realtime.adapters.sql.tables import metadata
from taskhub.contexts.realtime.adapters.sql.ticket_codec import (
    TICKET_CREDENTIALS,
    SealedTicketCodec,
)
from taskhub.contexts.realtime.adapters.sql.ticket_store import SqlTicketStore
from taskhub.contexts.realtime.adapters.streaming.bus_wakeups import BusWakeups
from taskhub.contexts.realtime.adapters.streaming.hub import StreamHub
from taskhub.contexts.realtime.adapters.ticket_prune import TicketPruneLoop
from taskhub.contexts.realtime.application.ports import Credentials, OrgRoles
from taskhub.contexts.realtime.application.streams import AccessCheck, StreamOpening
from taskhub.contexts.realtime.application.tickets import TicketDesk
from taskhub.contexts.realtime.public import CATALOGUE
from taskhub.platform.context_facets import endpoints_of
from taskhub.platform.keyring import Keyring
from taskhub.platform.messaging.names import BrokerNames
from taskhub.platform.secret_box import SecretBox
from taskhub.platform.settings import Settings
from taskhub.shared_kernel.clock import Clock


class RealtimeContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    engine = providers.Dependency(instance_of=Engine)
    clock: providers.Dependency[Clock] = providers.Dependency()
    keyring = providers.Dependency(instance_of=Keyring)
    known_event_types: providers.Dependency[frozenset[str]] = providers.Dependency()
    broker_names: providers.Dependency[BrokerNames] = providers.Dependency()
    event_log: providers.Dependency[OrgEventLog] = providers.Dependency()
    authenticator: providers.Dependency[Credentials] = providers.Dependency()
    roles: providers.Dependency[OrgRoles] = providers.Dependency()

    opening = providers.Singleton(
        StreamOpening,
        log=event_log,
        clock=clock,
        retention=settings.provided.event_retention,
        known_event_types=known_event_types,
    )
    access = providers.Singleton(AccessCheck, credentials=authenticator, roles=roles)
    # The credential a ticket stands for is sealed under a key of its own purpose.
    ticket_box = providers.Singleton(SecretBox, keyring, TICKET_CREDENTIALS)
    tickets = providers.Singleton(
        TicketDesk,
        store=providers.Singleton(SqlTicketStore, engine),
        codec=providers.Singleton(SealedTicketCodec, ticket_box),
        clock=clock,
    )
    # One hub per process, started by its first stream; fed through its own queue.
    wakeups = providers.Singleton(BusWakeups, settings.provided.broker_url, broker_names.provider)
    hub = providers.Singleton(
        StreamHub,
        log=event_log,
        access=access,
        opening=opening,
        wakeups=wakeups,
        heartbeat_seconds=settings.provided.stream_heartbeat_seconds,
    )
    http = providers.Singleton(RealtimeEndpoints, opening=opening, tickets=tickets, hub=hub)

    # The facets the composition root gathers (taskhub.platform.context_facets).
    endpoints = providers.Callable(endpoints_of, http.provided.endpoints.call())
    subscriptions = providers.List()
    tables = providers.Object(metadata)
    published_event_types = providers.Object(CATALOGUE)
    background_jobs = providers.List(providers.Factory(TicketPruneLoop, tickets))
