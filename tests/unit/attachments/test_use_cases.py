"""Attachments' use cases through the fakes of every port."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from taskhub.contexts.attachments.application.attachments import AttachmentService
from taskhub.contexts.attachments.application.direct_uploads import (
    DirectUploadService,
    StartUpload,
)
from taskhub.contexts.attachments.application.janitor import AttachmentJanitor
from taskhub.contexts.attachments.application.ports import StorageLimits
from taskhub.contexts.attachments.application.testing.fakes import (
    AttachmentsStore,
    FakeAttachmentsUnitOfWork,
    FakeObjectStorage,
    FakeSniffer,
    FakeTaskVisibility,
    FakeUploadTargets,
)
from taskhub.contexts.attachments.domain.errors import StorageQuotaExceeded
from taskhub.contexts.attachments.domain.events import (
    AttachmentCreated,
    AttachmentDeleted,
    AttachmentPurged,
)
from taskhub.contexts.identity.application.testing.fakes import FakeClock
from taskhub.shared_kernel.errors import NotFound, PermissionDenied, ValidationFailed
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@attrs.define
class World:
    store: AttachmentsStore
    storage: FakeObjectStorage
    tasks: FakeTaskVisibility
    clock: FakeClock
    attachments: AttachmentService
    uploads: DirectUploadService
    janitor: AttachmentJanitor
    org_id: uuid.UUID
    task_id: uuid.UUID

    def actor(self, role: Role = Role.MEMBER, user_id: uuid.UUID | None = None) -> Actor:
        principal = Principal(kind=PrincipalKind.USER, user_id=user_id or uuid.uuid4())
        return Actor(principal=principal, org_id=self.org_id, role=role)


@pytest.fixture
def world() -> World:
    store, storage, tasks = AttachmentsStore(), FakeObjectStorage(), FakeTaskVisibility()
    clock = FakeClock(START)
    limits = StorageLimits(max_upload_bytes=1000, org_quota_bytes=100)

    def uow(*, read_only: bool = False) -> FakeAttachmentsUnitOfWork:
        return FakeAttachmentsUnitOfWork(store)

    attachments = AttachmentService(
        uow=uow, storage=storage, sniffer=FakeSniffer(), tasks=tasks, limits=limits, clock=clock
    )
    uploads = DirectUploadService(
        uow=uow,
        attachments=attachments,
        storage=storage,
        targets=FakeUploadTargets(),
        sniffer=FakeSniffer(),
        limits=limits,
        clock=clock,
    )
    org_id, task_id = uuid.uuid4(), uuid.uuid4()
    tasks.live.add((org_id, task_id))
    return World(
        store=store,
        storage=storage,
        tasks=tasks,
        clock=clock,
        attachments=attachments,
        uploads=uploads,
        janitor=AttachmentJanitor(uow=uow, storage=storage, clock=clock),
        org_id=org_id,
        task_id=task_id,
    )


def test_an_upload_is_stored_measured_hashed_sniffed_and_published(world: World) -> None:
    actor = world.actor()
    attachment = world.attachments.upload(
        actor, world.task_id, filename="C:\\shots\\a.png", source=io.BytesIO(PNG)
    )
    assert (attachment.filename, attachment.content_type) == ("a.png", "image/png")
    assert attachment.size == len(PNG)
    assert world.storage.objects[attachment.storage_key] == PNG
    assert world.store.usage[world.org_id] == len(PNG)
    [event] = world.store.events
    assert isinstance(event, AttachmentCreated)
    published = event.integration_event()
    assert published is not None
    assert published.type == "attachment.created"
    assert published.data["sha256"] == attachment.sha256


def test_an_empty_file_or_a_hidden_task_stores_nothing(world: World) -> None:
    with pytest.raises(ValidationFailed):
        world.attachments.upload(world.actor(), world.task_id, filename="x", source=io.BytesIO())
    with pytest.raises(NotFound):
        world.attachments.upload(world.actor(), uuid.uuid4(), filename="x", source=io.BytesIO(PNG))
    assert world.storage.objects == {}
    assert world.store.events == []


def test_over_the_quota_the_bytes_are_removed(world: World) -> None:
    world.attachments.upload(world.actor(), world.task_id, filename="a", source=io.BytesIO(PNG))
    with pytest.raises(StorageQuotaExceeded):
        world.attachments.upload(world.actor(), world.task_id, filename="b", source=io.BytesIO(PNG))
    assert len(world.storage.objects) == 1


def test_only_the_uploader_or_an_admin_deletes_and_an_admin_restores(world: World) -> None:
    uploader = world.actor()
    attachment = world.attachments.upload(
        uploader, world.task_id, filename="a", source=io.BytesIO(b"abc")
    )
    with pytest.raises(PermissionDenied):
        world.attachments.delete(world.actor(), world.task_id, attachment.id)
    world.attachments.delete(uploader, world.task_id, attachment.id)
    assert isinstance(world.store.events[-1], AttachmentDeleted)
    assert world.attachments.page(uploader, world.task_id, PageRequest()).items == []
    restored = world.attachments.restore(world.actor(Role.ADMIN), world.task_id, attachment.id)
    assert restored.deleted_at is None
    admin = world.actor(Role.ADMIN)
    world.attachments.delete(admin, world.task_id, attachment.id)


def test_a_deleted_task_hides_its_attachments(world: World) -> None:
    actor = world.actor()
    attachment = world.attachments.upload(
        actor, world.task_id, filename="a", source=io.BytesIO(b"x")
    )
    world.tasks.live.clear()
    with pytest.raises(NotFound):
        world.attachments.get(actor, world.task_id, attachment.id)
    with pytest.raises(NotFound):
        world.attachments.page(actor, world.task_id, PageRequest())


def test_the_janitor_purges_after_30_days_and_frees_the_quota(world: World) -> None:
    actor = world.actor()
    attachment = world.attachments.upload(
        actor, world.task_id, filename="a", source=io.BytesIO(b"x")
    )
    world.attachments.delete(actor, world.task_id, attachment.id)
    world.clock.advance(days=30)
    assert world.janitor.run_once() == 1
    assert world.storage.objects == {}
    assert world.store.usage[world.org_id] == 0
    assert isinstance(world.store.events[-1], AttachmentPurged)
    assert world.store.events[-1].integration_event() is None


def test_a_direct_upload_completes_only_at_the_declared_size(world: World) -> None:
    actor = world.actor()
    started = world.uploads.start(
        actor, world.task_id, StartUpload(filename="p.png", content_type="image/png", size=len(PNG))
    )
    with pytest.raises(ValidationFailed):
        world.uploads.complete(actor, world.task_id, started.upload.id)
    world.uploads.receive(world.org_id, started.upload.id, io.BytesIO(PNG))
    attachment = world.uploads.complete(actor, world.task_id, started.upload.id)
    assert (attachment.id, attachment.content_type) == (started.upload.id, "image/png")
    with pytest.raises(NotFound):
        world.uploads.complete(actor, world.task_id, started.upload.id)


def test_an_upload_never_completed_is_removed_after_a_day(world: World) -> None:
    actor = world.actor()
    started = world.uploads.start(
        actor, world.task_id, StartUpload(filename="x", content_type="text/plain", size=3)
    )
    world.uploads.receive(world.org_id, started.upload.id, io.BytesIO(b"abc"))
    world.clock.advance(hours=23)
    assert world.janitor.run_once() == 0
    world.clock.advance(hours=1)
    assert world.janitor.run_once() == 1
    assert world.storage.objects == {}
    assert world.store.uploads == {}


def test_the_expiry_of_a_direct_upload_url(world: World) -> None:
    started = world.uploads.start(
        world.actor(), world.task_id, StartUpload(filename="x", content_type="a/b", size=1)
    )
    world.clock.advance(minutes=15)
    with pytest.raises(NotFound):
        world.uploads.receive(world.org_id, started.upload.id, io.BytesIO(b"a"))
    assert started.upload.expires_at == START + timedelta(minutes=15)
