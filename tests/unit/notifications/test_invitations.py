"""`invited`: an invitation to an address with an active account tells that account, in
its inbox and by email as it chose, although it is not a member yet."""

from taskhub.contexts.notifications.domain.reasons import Reason
from taskhub.contexts.notifications.domain.settings import ChannelChoice
from taskhub.contexts.tenancy.public.events import INVITATION_ACCEPTED, INVITATION_REVOKED
from taskhub.shared_kernel.pagination import PageRequest
from tests.unit.notifications.conftest import Notifications
from tests.unit.notifications.test_settings_and_jobs import emails_to


def test_an_invited_account_is_told_in_its_inbox_before_it_is_a_member(
    notifications: Notifications,
) -> None:
    ann = notifications.member("ann")
    zoe = notifications.directory.add("zoe@example.com", "zoe").id
    invitation_id = notifications.invite("ZOE@Example.com", ann, role="admin")
    [notice] = notifications.of(zoe)
    assert notice.reason is Reason.INVITED
    assert notice.id == invitation_id
    assert notice.org_id == notifications.org_id
    assert notice.task_id is None
    assert notice.actor_id == ann
    assert notice.summary == "You were invited to join the organization as admin"
    inbox = notifications.inbox.page(zoe, unread_only=True, page=PageRequest(10)).items
    assert [n.id for n in inbox] == [invitation_id]
    assert notifications.of(ann) == []


def test_an_address_without_an_active_account_notifies_nobody(
    notifications: Notifications,
) -> None:
    ann = notifications.member("ann")
    gone = notifications.directory.add("gone@example.com", "gone").id
    notifications.directory.set_active(gone, False)
    notifications.invite("nobody@example.com", ann)
    notifications.invite("gone@example.com", ann)
    assert notifications.store.notifications == {}


def test_the_inviter_is_never_told_of_their_own_invitation(
    notifications: Notifications,
) -> None:
    ann = notifications.member("ann")
    notifications.invite("ann@example.com", ann)
    assert notifications.store.notifications == {}


def test_settings_choose_the_channels_of_an_invitation(notifications: Notifications) -> None:
    ann = notifications.member("ann")
    zoe = notifications.directory.add("zoe@example.com", "zoe").id
    yan = notifications.directory.add("yan@example.com", "yan").id
    notifications.inbox.change_settings(zoe, {Reason.INVITED: ChannelChoice(False, True)})
    notifications.inbox.change_settings(yan, {Reason.INVITED: ChannelChoice(False, False)})
    notifications.invite("zoe@example.com", ann)
    notifications.invite("yan@example.com", ann)
    assert [(n.in_app, n.email_pending) for n in notifications.of(zoe)] == [(False, True)]
    assert notifications.inbox.page(zoe, unread_only=False, page=PageRequest(10)).items == []
    assert notifications.of(yan) == []


def test_an_invitation_is_emailed_through_the_digest(notifications: Notifications) -> None:
    ann = notifications.member("ann")
    notifications.directory.add("zoe@example.com", "zoe")
    notifications.invite("zoe@example.com", ann, role="viewer")
    assert notifications.email.send_due() == 1
    [mail] = emails_to(notifications, "zoe")
    assert "lines=- You were invited to join the organization as viewer" in mail


def test_a_revoked_invitation_takes_its_notice_an_accepted_one_leaves_it(
    notifications: Notifications,
) -> None:
    ann = notifications.member("ann")
    zoe = notifications.directory.add("zoe@example.com", "zoe").id
    yan = notifications.directory.add("yan@example.com", "yan").id
    revoked = notifications.invite("zoe@example.com", ann)
    accepted = notifications.invite("yan@example.com", ann)
    notifications.hear(
        INVITATION_REVOKED, ann, **notifications.invitation(revoked, "zoe@example.com", ann)
    )
    notifications.hear(
        INVITATION_ACCEPTED, yan, **notifications.invitation(accepted, "yan@example.com", ann)
    )
    notifications.hear(
        INVITATION_REVOKED, ann, **notifications.invitation(revoked, "zoe@example.com", ann)
    )
    assert notifications.of(zoe) == []
    assert [n.id for n in notifications.of(yan)] == [accepted]
    assert notifications.email.send_due() == 1  # only the one that stands is emailed
