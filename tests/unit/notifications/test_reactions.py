"""Who watches and who is told, from other contexts' events, through the fakes."""

from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.shared_kernel.ids import new_id
from tests.unit.notifications.conftest import Notifications


def test_the_creator_and_the_assignees_start_watching(notifications: Notifications) -> None:
    ann, bob, eve = (notifications.member(n) for n in ("ann", "bob", "eve"))
    outsider = new_id()
    task = new_id()
    notifications.create(task, ann, assignees=(bob, outsider))
    notifications.task(task, ann, created_by=ann, assignees=(bob, outsider, eve))
    assert notifications.watchers(task) == {ann, bob, eve}


def test_a_commenter_and_the_members_mentioned_start_watching(
    notifications: Notifications,
) -> None:
    ann, bob, cy = (notifications.member(n) for n in ("ann", "bob", "cy"))
    outsider = new_id()
    task = new_id()
    notifications.create(task, ann)
    made = notifications.comment(task, bob, f"<@{cy}> and <@{outsider}>, see this")
    assert notifications.watchers(task) == {ann, bob, cy}
    assert made == 2
    assert notifications.of(outsider) == []


def test_the_most_personal_reason_wins_and_one_notification_each(
    notifications: Notifications,
) -> None:
    ann, bob, cy = (notifications.member(n) for n in ("ann", "bob", "cy"))
    task = new_id()
    notifications.create(task, ann)
    notifications.comment(task, cy, "watching")
    notifications.comment(task, bob, f"<@{cy}> <@{cy}> <@{ann}>")
    notifications.later(60)
    notifications.task(task, bob, created_by=ann, assignees=(cy,), status="in_progress")
    assert [n.reason for n in notifications.of(cy)] == [Reason.MENTIONED, Reason.ASSIGNED]
    assert [n.reason for n in notifications.of(ann)] == [
        Reason.COMMENTED,
        Reason.MENTIONED,
        Reason.STATUS_CHANGED,
    ]


def test_the_actor_is_never_told_of_their_own_change(notifications: Notifications) -> None:
    ann, bob = notifications.member("ann"), notifications.member("bob")
    task = new_id()
    notifications.create(task, ann, assignees=(ann, bob))
    notifications.comment(task, bob, f"<@{bob}> noted")
    notifications.task(task, ann, created_by=ann, assignees=(ann, bob), status="done")
    assert len(notifications.of(ann)) == 1
    assert notifications.of(ann)[0].reason is Reason.COMMENTED
    assert [n.reason for n in notifications.of(bob)] == [Reason.ASSIGNED, Reason.STATUS_CHANGED]


def test_an_event_seen_twice_adds_nothing(notifications: Notifications) -> None:
    ann, bob = notifications.member("ann"), notifications.member("bob")
    task = new_id()
    notifications.create(task, ann, assignees=(bob,))
    notifications.version -= 1  # the same event again
    assert notifications.task(task, ann, created_by=ann, assignees=(bob,)) == 0
    assert len(notifications.of(bob)) == 1


def test_a_member_who_leaves_loses_the_orgs_watches_and_notifications(
    notifications: Notifications,
) -> None:
    ann, bob = notifications.member("ann"), notifications.member("bob")
    task = new_id()
    notifications.create(task, ann, assignees=(bob,))
    notifications.leave(bob)
    assert notifications.of(bob) == []
    assert notifications.watchers(task) == {ann}
    notifications.task(task, ann, created_by=ann, assignees=(bob,), status="done")
    assert notifications.of(bob) == []
