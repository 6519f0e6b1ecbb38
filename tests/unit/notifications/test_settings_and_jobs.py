"""Settings per reason and channel, `due_soon` once per date, and the email window."""

from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.settings import ChannelChoice
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.mail import MailQueued
from taskhub.shared_kernel.pagination import PageRequest
from tests.unit.notifications.conftest import EMAIL_DELAY, Notifications, hours


def emails_to(notifications: Notifications, name: str) -> list[str]:
    return [
        e.mail.text
        for e in notifications.store.events
        if isinstance(e, MailQueued) and e.mail.to == f"{name}@example.com"
    ]


def test_settings_choose_the_channels_per_reason(notifications: Notifications) -> None:
    ann, bob = notifications.member("ann"), notifications.member("bob")
    notifications.inbox.change_settings(
        bob,
        {
            Reason.ASSIGNED: ChannelChoice(in_app=False, email=True),
            Reason.STATUS_CHANGED: ChannelChoice(in_app=False, email=False),
        },
    )
    task = new_id()
    notifications.create(task, ann, assignees=(bob,))
    notifications.comment(task, ann, "hello")
    notifications.task(task, ann, created_by=ann, assignees=(bob,), status="done")
    stored = [(n.reason, n.in_app, n.email_pending) for n in notifications.of(bob)]
    assert stored == [(Reason.ASSIGNED, False, True), (Reason.COMMENTED, True, True)]
    inbox = notifications.inbox.page(bob, unread_only=False, page=PageRequest(10)).items
    assert [n.reason for n in inbox] == [Reason.COMMENTED]


def test_due_soon_goes_to_assignees_once_per_due_date(notifications: Notifications) -> None:
    ann, bob = notifications.member("ann"), notifications.member("bob")
    task = new_id()
    due = notifications.clock.now() + hours(30)
    notifications.create(task, ann, assignees=(ann, bob), due_at=due)
    assert notifications.due_soon.run_once() == 0  # not yet within 24 hours
    notifications.later(7 * 3600)
    assert notifications.due_soon.run_once() == 1
    assert notifications.due_soon.run_once() == 0
    notifications.task(task, bob, created_by=ann, assignees=(ann, bob), due_at=due + hours(1))
    assert notifications.due_soon.run_once() == 1
    due_soon = [n for n in notifications.of(bob) if n.reason is Reason.DUE_SOON]
    assert len(due_soon) == 2
    assert len([n for n in notifications.of(ann) if n.reason is Reason.DUE_SOON]) == 2


def test_emails_gather_what_waits_and_go_at_most_once_per_delay(
    notifications: Notifications,
) -> None:
    ann, bob = notifications.member("ann"), notifications.member("bob")
    task = new_id()
    notifications.create(task, ann, assignees=(bob,))
    assert notifications.email.send_due() == 1
    notifications.later(60)
    notifications.comment(task, ann, "one")
    notifications.comment(task, ann, "two")
    assert notifications.email.send_due() == 0  # within the delay: it waits
    notifications.later(EMAIL_DELAY)
    assert notifications.email.send_due() == 1
    assert notifications.email.send_due() == 0
    sent = emails_to(notifications, "bob")
    assert len(sent) == 2
    assert "count=2" in sent[1]
    assert emails_to(notifications, "ann") == []
