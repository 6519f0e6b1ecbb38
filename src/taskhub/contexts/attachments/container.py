"""Attachments' providers; whether a task is visible comes from work through the root."""

from collections.abc import Callable

from dependency_injector import containers, providers
from sqlalchemy.engine import Engine

from taskhub.contexts.attachments.adapters.http.endpoints import AttachmentEndpoints
from taskhub.contexts.attachments.adapters.http.upload_urls import LocalUploadUrls
from taskhub.contexts.attachments.adapters.janitor_loop import JanitorLoop
from taskhub.contexts.attachments.adapters.sql.tables import metadata
from taskhub.contexts.attachments.adapters.sql.unit_of_work import SqlAttachmentsUnitOfWork
from taskhub.contexts.attachments.adapters.storage.location import open_storage
from taskhub.contexts.attachments.adapters.storage.s3 import S3Storage, S3UploadTargets
from taskhub.contexts.attachments.adapters.storage.sniffing import MagicSniffer
from taskhub.contexts.attachments.application.attachments import AttachmentService
from taskhub.contexts.attachments.application.direct_uploads import DirectUploadService
from taskhub.contexts.attachments.application.janitor import AttachmentJanitor
from taskhub.contexts.attachments.application.ports import (
    ObjectStorage,
    StorageLimits,
    UploadTargets,
)
from taskhub.contexts.attachments.public import CATALOGUE
from taskhub.contexts.work.public.task_visibility import TaskVisibility
from taskhub.platform.context_facets import endpoints_of
from taskhub.platform.keyring import Keyring
from taskhub.platform.settings import Settings
from taskhub.platform.unit_of_work import EventSink
from taskhub.shared_kernel.clock import Clock


def _limits(settings: Settings) -> StorageLimits:
    return StorageLimits(
        max_upload_bytes=settings.max_upload_bytes,
        org_quota_bytes=settings.org_storage_quota_bytes,
    )


def _upload_targets(storage: ObjectStorage, urls: LocalUploadUrls, clock: Clock) -> UploadTargets:
    """Presigned PUTs on S3; taskhub's own signed URLs on local storage."""
    if isinstance(storage, S3Storage):
        return S3UploadTargets(storage, clock)
    return urls


class AttachmentsContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    engine = providers.Dependency(instance_of=Engine)
    clock: providers.Dependency[Clock] = providers.Dependency()
    keyring = providers.Dependency(instance_of=Keyring)
    tasks: providers.Dependency[TaskVisibility] = providers.Dependency()
    event_sinks: providers.Dependency[list[EventSink]] = providers.Dependency()
    on_commit: providers.Dependency[Callable[[], None]] = providers.Dependency()

    unit_of_work = providers.Factory(
        SqlAttachmentsUnitOfWork, engine=engine, sinks=event_sinks, after_commit=on_commit
    )
    storage = providers.Singleton(open_storage, settings.provided.storage_location)
    limits = providers.Singleton(_limits, settings)
    sniffer = providers.Singleton(MagicSniffer)
    upload_urls = providers.Singleton(LocalUploadUrls, keyring)
    upload_targets = providers.Singleton(_upload_targets, storage, upload_urls, clock)
    attachments = providers.Singleton(
        AttachmentService,
        uow=unit_of_work.provider,
        storage=storage,
        sniffer=sniffer,
        tasks=tasks,
        limits=limits,
        clock=clock,
    )
    uploads = providers.Singleton(
        DirectUploadService,
        uow=unit_of_work.provider,
        attachments=attachments,
        storage=storage,
        targets=upload_targets,
        sniffer=sniffer,
        limits=limits,
        clock=clock,
    )
    janitor = providers.Singleton(
        AttachmentJanitor, uow=unit_of_work.provider, storage=storage, clock=clock
    )
    janitor_loop = providers.Factory(JanitorLoop, janitor)
    http = providers.Singleton(
        AttachmentEndpoints,
        attachments=attachments,
        uploads=uploads,
        upload_urls=upload_urls,
        clock=clock,
    )

    # The facets the composition root gathers (taskhub.platform.context_facets).
    endpoints = providers.Callable(endpoints_of, http.provided.endpoints.call())
    subscriptions = providers.List()
    tables = providers.Object(metadata)
    published_event_types = providers.Object(CATALOGUE)
    background_jobs = providers.List(janitor_loop)
