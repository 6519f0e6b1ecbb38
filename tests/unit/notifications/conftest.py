"""Notifications' use cases wired to fakes, and events as the bus would deliver them."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from taskhub.contexts.identity.application.testing.fake_email_tokens import FakeLetters
from taskhub.contexts.identity.application.testing.fakes import FakeClock
from taskhub.contexts.notifications.application.delivery import NotificationDelivery
from taskhub.contexts.notifications.application.due_soon import DueSoonNotices
from taskhub.contexts.notifications.application.email_digest import EmailDigest
from taskhub.contexts.notifications.application.inbox import InboxService
from taskhub.contexts.notifications.application.reactions import (
    NotificationReactions,
    ReceivedEvent,
)
from taskhub.contexts.notifications.application.testing.fakes import (
    FakeNotificationsUnitOfWork,
    NotificationsStore,
)
from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.contexts.tenancy.application.testing.fakes import FakeUserDirectory
from taskhub.contexts.tenancy.public import MEMBER_REMOVED
from taskhub.contexts.tenancy.public.events import INVITATION_CREATED
from taskhub.contexts.work.application.testing.fakes import FakeRoleLookup
from taskhub.contexts.work.public.events import COMMENT_CREATED, TASK_CREATED, TASK_UPDATED
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.roles import Role

START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
EMAIL_DELAY = 600


@attrs.define
class Notifications:
    store: NotificationsStore
    clock: FakeClock
    roles: FakeRoleLookup
    directory: FakeUserDirectory
    reactions: NotificationReactions
    due_soon: DueSoonNotices
    email: EmailDigest
    inbox: InboxService
    org_id: uuid.UUID = attrs.field(factory=new_id)
    version: int = 0

    def member(self, name: str) -> uuid.UUID:
        user = self.directory.add(f"{name}@example.com", name)
        self.roles.add_member(self.org_id, user.id, Role.MEMBER)
        return user.id

    def hear(self, type_: str, actor_id: uuid.UUID | None, **data: Any) -> int:
        """Deliver one event to the reactions, as the consumer does, and commit."""
        event = ReceivedEvent(
            type=type_,
            org_id=self.org_id,
            occurred_at=self.clock.now(),
            actor_id=actor_id,
            data=data,
        )
        with FakeNotificationsUnitOfWork(self.store) as uow:
            made = self.reactions.react(uow, [event])
            uow.commit()
        return made

    def task(
        self,
        task_id: uuid.UUID,
        actor_id: uuid.UUID,
        *,
        created_by: uuid.UUID,
        assignees: tuple[uuid.UUID, ...] = (),
        status: str = "todo",
        due_at: datetime | None = None,
        event: str = TASK_UPDATED,
    ) -> int:
        """Work's task event: the task as it is now, one version on."""
        self.version += 1
        return self.hear(
            event,
            actor_id,
            id=str(task_id),
            key="ACME-1",
            title="Ship it",
            status=status,
            due_at=None if due_at is None else due_at.isoformat(),
            assignee_ids=[str(a) for a in assignees],
            created_by=str(created_by),
            version=self.version,
        )

    def create(self, task_id: uuid.UUID, by: uuid.UUID, **kwargs: Any) -> int:
        self.version = 0
        return self.task(task_id, by, created_by=by, event=TASK_CREATED, **kwargs)

    def comment(self, task_id: uuid.UUID, author_id: uuid.UUID, body: str) -> int:
        return self.hear(
            COMMENT_CREATED, author_id, task_id=str(task_id), author_id=str(author_id), body=body
        )

    def leave(self, user_id: uuid.UUID) -> None:
        self.roles.remove_member(self.org_id, user_id)
        self.hear(MEMBER_REMOVED, None, user_id=str(user_id))

    def invite(self, email: str, by: uuid.UUID, *, role: str = "member") -> uuid.UUID:
        """Tenancy's invitation event, made by `by`; returns the invitation's id."""
        invitation_id = new_id()
        self.hear(INVITATION_CREATED, by, **self.invitation(invitation_id, email, by, role=role))
        return invitation_id

    def invitation(
        self, invitation_id: uuid.UUID, email: str, by: uuid.UUID, *, role: str = "member"
    ) -> dict[str, Any]:
        """The payload of an invitation event, as tenancy publishes it."""
        return {
            "id": str(invitation_id),
            "org_id": str(self.org_id),
            "email": email,
            "role": role,
            "status": "pending",
            "invited_by": str(by),
            "expires_at": (self.clock.now() + timedelta(days=7)).isoformat(),
            "created_at": self.clock.now().isoformat(),
            "accepted_by": None,
        }

    def watchers(self, task_id: uuid.UUID) -> set[uuid.UUID]:
        return {user for (_org, task, user) in self.store.watchers if task == task_id}

    def of(self, user_id: uuid.UUID) -> list[Notification]:
        """Everything stored for the user, oldest first."""
        mine = [n for n in self.store.notifications.values() if n.user_id == user_id]
        return sorted(mine, key=lambda n: n.created_at)

    def later(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)


@pytest.fixture
def notifications() -> Notifications:
    store = NotificationsStore()
    clock = FakeClock(START)
    roles = FakeRoleLookup()
    directory = FakeUserDirectory()

    def uow(*, read_only: bool = False) -> FakeNotificationsUnitOfWork:
        return FakeNotificationsUnitOfWork(store)

    delivery = NotificationDelivery(members=roles)
    return Notifications(
        store=store,
        clock=clock,
        roles=roles,
        directory=directory,
        reactions=NotificationReactions(delivery=delivery, members=roles, directory=directory),
        due_soon=DueSoonNotices(uow=uow, delivery=delivery, members=roles, clock=clock),
        email=EmailDigest(
            uow=uow,
            directory=directory,
            letters=FakeLetters(),
            clock=clock,
            delay_seconds=EMAIL_DELAY,
            app_url="https://taskhub.example/",
        ),
        inbox=InboxService(uow=uow, clock=clock),
    )


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
