"""The contract every implementation of notifications' repositories keeps.

Run against the in-memory fakes (tests/unit) and the SQL adapters on SQLite and
PostgreSQL (tests/integration): a fake that passes here behaves like the database.
Subclasses provide `uow_factory`, a fixture returning a callable that opens a unit of work.
"""

import uuid
from datetime import UTC, datetime, timedelta

from taskhub.contexts.notifications.application.ports import NotificationsUnitOfWork
from taskhub.contexts.notifications.domain.notification import Notification
from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.settings import ChannelChoice, NotificationSettings
from taskhub.contexts.notifications.domain.watch import Watch
from taskhub.contexts.notifications.domain.watched_task import TaskState
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory
from tests.contracts.tenancy import all_pages, uid

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
ORG = uid(0x01)
OTHER_ORG = uid(0x02)
TASK = uid(0x03)

UowFactory = UnitOfWorkFactory[NotificationsUnitOfWork]


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def state(
    *, due_at: datetime | None = None, status: str = "todo", version: int = 1, **changes: object
) -> TaskState:
    values: dict[str, object] = {
        "org_id": ORG,
        "id": TASK,
        "key": "ACME-1",
        "title": "Ship it",
        "status": status,
        "due_at": due_at,
        "assignee_ids": (uid(0x40), uid(0x20)),
        "created_by": uid(0x10),
        "version": version,
        **changes,
    }
    return TaskState(**values)  # type: ignore[arg-type]


def note(
    user_id: uuid.UUID,
    minutes: int,
    *,
    org_id: uuid.UUID = ORG,
    note_id: uuid.UUID | None = None,
    in_app: bool = True,
    email_pending: bool = False,
    invited: bool = False,
) -> Notification:
    """A comment on TASK, or (`invited`) an invitation, about no task."""
    return Notification(
        id=note_id or new_id(),
        org_id=org_id,
        user_id=user_id,
        reason=Reason.INVITED if invited else Reason.COMMENTED,
        task_id=None if invited else TASK,
        actor_id=uid(0x99),
        summary=f"New comment at {minutes}",
        created_at=at(minutes),
        in_app=in_app,
        email_pending=email_pending,
    )


class NotificationsRepositoryContract:
    def _write(self, uow_factory: UowFactory, *notifications: Notification) -> None:
        with uow_factory() as uow:
            uow.notifications.add_many(notifications)
            uow.commit()

    # watchers

    def test_a_watch_is_added_once_and_reads_back(self, uow_factory: UowFactory) -> None:
        watch = Watch(org_id=ORG, task_id=TASK, user_id=uid(0x20), since=NOW)
        with uow_factory() as uow:
            assert uow.watchers.add(watch) is True
            assert (
                uow.watchers.add(Watch(org_id=ORG, task_id=TASK, user_id=uid(0x20), since=at(5)))
                is False
            )
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.watchers.get(ORG, TASK, uid(0x20)) == watch
            assert uow.watchers.get(OTHER_ORG, TASK, uid(0x20)) is None

    def test_nothing_is_kept_without_commit(self, uow_factory: UowFactory) -> None:
        with uow_factory() as uow:
            uow.watchers.add(Watch(org_id=ORG, task_id=TASK, user_id=uid(0x20), since=NOW))
            uow.notifications.add_many([note(uid(0x20), 0)])
        with uow_factory(read_only=True) as uow:
            assert uow.watchers.watching(ORG, TASK) == []
            assert (
                uow.notifications.page(uid(0x20), unread_only=False, page=PageRequest(10)).items
                == []
            )

    def test_ensure_keeps_the_since_of_those_already_watching(
        self, uow_factory: UowFactory
    ) -> None:
        with uow_factory() as uow:
            uow.watchers.ensure(ORG, TASK, [uid(0x20)], NOW)
            uow.watchers.ensure(ORG, TASK, [uid(0x20), uid(0x30), uid(0x30)], at(5))
            uow.watchers.ensure(ORG, TASK, [], at(9))
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert sorted(uow.watchers.watching(ORG, TASK)) == [uid(0x20), uid(0x30)]
            first = uow.watchers.get(ORG, TASK, uid(0x20))
            second = uow.watchers.get(ORG, TASK, uid(0x30))
        assert first is not None
        assert first.since == NOW
        assert second is not None
        assert second.since == at(5)

    def test_watchers_page_by_since_then_user(self, uow_factory: UowFactory) -> None:
        cases = [(uid(0x50), 1), (uid(0x90), 0), (uid(0x30), 0), (uid(0x05), 2), (uid(0xF0), 0)]
        with uow_factory() as uow:
            for user_id, minutes in cases:
                uow.watchers.ensure(ORG, TASK, [user_id], at(minutes))
            uow.watchers.ensure(OTHER_ORG, TASK, [uid(0x60)], NOW)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            pages = all_pages(lambda page: uow.watchers.page(ORG, TASK, page), 2)
        assert [[w.user_id for w in page] for page in pages] == [
            [uid(0x30), uid(0x90)],
            [uid(0xF0), uid(0x50)],
            [uid(0x05)],
        ]

    def test_removing_and_forgetting_a_member_touch_only_theirs(
        self, uow_factory: UowFactory
    ) -> None:
        other_task = uid(0x04)
        with uow_factory() as uow:
            uow.watchers.ensure(ORG, TASK, [uid(0x20), uid(0x30)], NOW)
            uow.watchers.ensure(ORG, other_task, [uid(0x20)], NOW)
            uow.watchers.ensure(OTHER_ORG, TASK, [uid(0x20)], NOW)
            uow.commit()
        with uow_factory() as uow:
            uow.watchers.remove(Watch(org_id=ORG, task_id=TASK, user_id=uid(0x30), since=NOW))
            uow.watchers.forget_member(ORG, uid(0x20))
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.watchers.watching(ORG, TASK) == []
            assert uow.watchers.watching(ORG, other_task) == []
            assert uow.watchers.watching(OTHER_ORG, TASK) == [uid(0x20)]

    def test_watchers_in_a_batch_start_once_and_read_back_per_task(
        self, uow_factory: UowFactory
    ) -> None:
        other_task = uid(0x04)
        many = [(ORG, new_id()) for _ in range(600)]  # more than one statement's worth
        with uow_factory() as uow:
            uow.watchers.ensure(ORG, TASK, [uid(0x20)], NOW)
            uow.watchers.ensure_many(
                [
                    Watch(org_id=ORG, task_id=TASK, user_id=uid(0x20), since=at(5)),
                    Watch(org_id=ORG, task_id=TASK, user_id=uid(0x30), since=at(5)),
                    Watch(org_id=ORG, task_id=TASK, user_id=uid(0x30), since=at(7)),
                    Watch(org_id=ORG, task_id=other_task, user_id=uid(0x30), since=at(5)),
                    Watch(org_id=OTHER_ORG, task_id=TASK, user_id=uid(0x40), since=at(5)),
                ]
            )
            uow.watchers.ensure_many([])
            uow.commit()
        with uow_factory(read_only=True) as uow:
            found = uow.watchers.watching_many([(ORG, TASK), (ORG, other_task), *many])
            kept = uow.watchers.get(ORG, TASK, uid(0x20))
            started = uow.watchers.get(ORG, TASK, uid(0x30))
            assert uow.watchers.watching(OTHER_ORG, TASK) == [uid(0x40)]
        assert sorted(found.pop((ORG, TASK))) == [uid(0x20), uid(0x30)]
        assert found.pop((ORG, other_task)) == [uid(0x30)]
        assert found == {key: [] for key in many}
        assert kept is not None
        assert kept.since == NOW
        assert started is not None
        assert started.since == at(5)

    # remembered tasks

    def test_saving_a_state_keeps_what_due_soon_was_sent_for(self, uow_factory: UowFactory) -> None:
        with uow_factory() as uow:
            uow.tasks.save(state(due_at=at(60)))
            assert uow.tasks.claim_due_soon(ORG, TASK, at(60)) is True
            uow.tasks.save(state(due_at=at(60), title="Ship it now", version=2))
            uow.commit()
        with uow_factory(read_only=True) as uow:
            remembered = uow.tasks.get(ORG, TASK)
            assert uow.tasks.get(OTHER_ORG, TASK) is None
        assert remembered is not None
        assert remembered.state == state(due_at=at(60), title="Ship it now", version=2)
        assert remembered.due_soon_sent_for == at(60)

    def test_states_in_a_batch_save_and_read_back_keeping_due_soon_never_older(
        self, uow_factory: UowFactory
    ) -> None:
        other = state(id=uid(0x04), title="Other")
        elsewhere = state(org_id=OTHER_ORG, title="Elsewhere")
        unknown = [(ORG, new_id()) for _ in range(600)]  # more than one statement's worth
        with uow_factory() as uow:
            uow.tasks.save(state(due_at=at(60)))
            assert uow.tasks.claim_due_soon(ORG, TASK, at(60)) is True
            uow.tasks.save_many([state(due_at=at(60), version=2), other, elsewhere])
            uow.tasks.save_many([])
            uow.tasks.save_many([state(due_at=at(90), title="Stale")])  # version 1 < 2
            uow.commit()
        with uow_factory(read_only=True) as uow:
            found = uow.tasks.get_many([(ORG, TASK), (ORG, uid(0x04)), *unknown])
            assert uow.tasks.get(OTHER_ORG, TASK) is not None
        assert set(found) == {(ORG, TASK), (ORG, uid(0x04))}
        assert found[(ORG, TASK)].state == state(due_at=at(60), version=2)
        assert found[(ORG, TASK)].due_soon_sent_for == at(60)
        assert found[(ORG, uid(0x04))].state == other

    def test_due_soon_is_claimed_once_per_due_date(self, uow_factory: UowFactory) -> None:
        with uow_factory() as uow:
            uow.tasks.save(state(due_at=at(60)))
            assert uow.tasks.claim_due_soon(ORG, TASK, at(30)) is False  # not its date
            assert uow.tasks.claim_due_soon(ORG, TASK, at(60)) is True
            assert uow.tasks.claim_due_soon(ORG, TASK, at(60)) is False
            uow.tasks.save(state(due_at=at(90), version=2))
            assert uow.tasks.claim_due_soon(ORG, TASK, at(90)) is True
            assert uow.tasks.claim_due_soon(ORG, uid(0x04), at(90)) is False  # unknown task
            uow.commit()

    def test_falling_due_finds_open_live_unclaimed_tasks_in_the_window(
        self, uow_factory: UowFactory
    ) -> None:
        kept = {
            uid(0x31): state(id=uid(0x31), due_at=at(120)),
            uid(0x32): state(id=uid(0x32), org_id=OTHER_ORG, due_at=at(60)),
            uid(0x33): state(id=uid(0x33), due_at=at(0)),
        }
        left_out = [
            state(id=uid(0x41), due_at=at(-1)),
            state(id=uid(0x42), due_at=at(24 * 60 + 1)),
            state(id=uid(0x43), due_at=None),
            state(id=uid(0x44), due_at=at(60), status="done"),
            state(id=uid(0x45), due_at=at(60), status="cancelled"),
            state(id=uid(0x46), due_at=at(60), deleted=True),
            state(id=uid(0x47), due_at=at(60)),
        ]
        with uow_factory() as uow:
            for task in [*kept.values(), *left_out]:
                uow.tasks.save(task)
            assert uow.tasks.claim_due_soon(ORG, uid(0x47), at(60))
            uow.commit()
        horizon = at(24 * 60)
        with uow_factory(read_only=True) as uow:
            due = uow.tasks.falling_due(NOW, horizon, 10)
            first = uow.tasks.falling_due(NOW, horizon, 2)
        assert [t.state.id for t in due] == [uid(0x33), uid(0x32), uid(0x31)]
        assert [t.state.id for t in first] == [uid(0x33), uid(0x32)]

    # notifications

    def test_the_inbox_is_the_users_in_app_ones_newest_first(self, uow_factory: UowFactory) -> None:
        me, other = uid(0x20), uid(0x30)
        cases = [
            note(me, m, note_id=i)
            for m, i in [(1, uid(0x50)), (0, uid(0x90)), (0, uid(0x30)), (2, uid(0x05))]
        ]
        self._write(
            uow_factory,
            *cases,
            note(me, 3, org_id=OTHER_ORG, note_id=uid(0x60)),
            note(me, 4, in_app=False, email_pending=True),
            note(other, 5),
        )
        with uow_factory(read_only=True) as uow:
            pages = all_pages(
                lambda page: uow.notifications.page(me, unread_only=False, page=page), 2
            )
        assert [[n.id for n in page] for page in pages] == [
            [uid(0x60), uid(0x05)],
            [uid(0x50), uid(0x90)],
            [uid(0x30)],
        ]
        assert pages[0][1] == cases[3]

    def test_marking_read_by_id_or_time_touches_only_the_users_unread(
        self, uow_factory: UowFactory
    ) -> None:
        me, other = uid(0x20), uid(0x30)
        early, late, later, theirs = note(me, 0), note(me, 5), note(me, 9), note(other, 0)
        self._write(uow_factory, early, late, later, theirs)
        with uow_factory() as uow:
            uow.notifications.mark_read(me, ids=[late.id, theirs.id], before=None, now=at(10))
            uow.notifications.mark_read(me, ids=[], before=None, now=at(11))
            uow.notifications.mark_read(me, ids=None, before=at(5), now=at(12))
            uow.commit()
        with uow_factory(read_only=True) as uow:
            mine = uow.notifications.page(me, unread_only=False, page=PageRequest(10)).items
            unread = uow.notifications.page(me, unread_only=True, page=PageRequest(10)).items
            others = uow.notifications.page(other, unread_only=False, page=PageRequest(10)).items
        assert {n.id: n.read_at for n in mine} == {
            later.id: None,
            late.id: at(10),
            early.id: at(12),
        }
        assert [n.id for n in unread] == [later.id]
        assert others[0].read_at is None

    def test_forgetting_a_member_drops_their_notifications_in_that_org_only(
        self, uow_factory: UowFactory
    ) -> None:
        me = uid(0x20)
        kept = note(me, 1, org_id=OTHER_ORG)
        self._write(uow_factory, note(me, 0), kept, note(uid(0x30), 0))
        with uow_factory() as uow:
            uow.notifications.forget_member(ORG, me)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            mine = uow.notifications.page(me, unread_only=False, page=PageRequest(10)).items
            theirs = uow.notifications.page(
                uid(0x30), unread_only=False, page=PageRequest(10)
            ).items
        assert [n.id for n in mine] == [kept.id]
        assert len(theirs) == 1

    def test_a_notice_about_no_task_reads_back_and_is_removed_by_its_key(
        self, uow_factory: UowFactory
    ) -> None:
        me = uid(0x20)
        invited, other_org = note(me, 1, invited=True), note(me, 2, org_id=OTHER_ORG)
        self._write(uow_factory, note(me, 0), invited, other_org)
        with uow_factory(read_only=True) as uow:
            inbox = uow.notifications.page(me, unread_only=False, page=PageRequest(10)).items
        assert inbox[1] == invited
        assert inbox[1].task_id is None
        with uow_factory() as uow:
            uow.notifications.remove(ORG, invited.id)
            uow.notifications.remove(ORG, other_org.id)  # not in this org: stays
            uow.notifications.remove(ORG, new_id())
            uow.commit()
        with uow_factory(read_only=True) as uow:
            inbox = uow.notifications.page(me, unread_only=False, page=PageRequest(10)).items
        assert [n.id for n in inbox] == [other_org.id, inbox[1].id]
        assert invited.id not in {n.id for n in inbox}

    def test_emails_are_gathered_oldest_first_and_only_once(self, uow_factory: UowFactory) -> None:
        me, other = uid(0x20), uid(0x30)
        second, first = (
            note(me, 5, email_pending=True),
            note(me, 1, email_pending=True, in_app=False),
        )
        self._write(uow_factory, second, first, note(me, 0), note(other, 0, email_pending=True))
        with uow_factory(read_only=True) as uow:
            assert sorted(uow.notifications.awaiting_email(10)) == [me, other]
            assert len(uow.notifications.awaiting_email(1)) == 1
        with uow_factory() as uow:
            taken = uow.notifications.take_awaiting_email(me)
            assert uow.notifications.take_awaiting_email(me) == []
            uow.commit()
        assert [n.id for n in taken] == [first.id, second.id]
        with uow_factory(read_only=True) as uow:
            assert uow.notifications.awaiting_email(10) == [other]
            inbox = uow.notifications.page(me, unread_only=False, page=PageRequest(10)).items
        assert {n.id for n in inbox} == {second.id, inbox[-1].id}
        assert not any(n.email_pending for n in inbox)

    # recipients

    def test_settings_default_to_everything_and_save_whole(self, uow_factory: UowFactory) -> None:
        me, other = uid(0x20), uid(0x30)
        chosen = NotificationSettings(
            {
                Reason.COMMENTED: ChannelChoice(in_app=True, email=False),
                Reason.DUE_SOON: ChannelChoice(False, False),
            }
        )
        with uow_factory() as uow:
            uow.recipients.save_settings(
                me, NotificationSettings({Reason.ASSIGNED: ChannelChoice(False, True)})
            )
            uow.recipients.save_settings(me, chosen)
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.recipients.settings(me) == chosen
            assert uow.recipients.settings(other) == NotificationSettings()
            assert uow.recipients.settings_of([me, other, me]) == {
                me: chosen,
                other: NotificationSettings(),
            }
            assert uow.recipients.settings_of([]) == {}

    def test_an_email_is_claimed_once_per_delay(self, uow_factory: UowFactory) -> None:
        me = uid(0x20)
        chosen = NotificationSettings({Reason.COMMENTED: ChannelChoice(True, False)})
        with uow_factory() as uow:
            uow.recipients.save_settings(me, chosen)
            assert uow.recipients.claim_email(me, NOW, at(-15)) is True
            assert uow.recipients.claim_email(me, at(1), at(-14)) is False
            assert uow.recipients.claim_email(me, at(15), at(0)) is True
            assert uow.recipients.claim_email(uid(0x30), NOW, at(-15)) is True
            uow.commit()
        with uow_factory(read_only=True) as uow:
            assert uow.recipients.settings(me) == chosen  # a claim keeps the settings
            assert uow.recipients.settings(uid(0x30)) == NotificationSettings()
