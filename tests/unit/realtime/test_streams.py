"""Opening a stream (resume point, filters), client messages, and the re-check."""

import uuid

import pytest

from taskhub.contexts.realtime.application.streams import (
    MAX_PROJECT_IDS,
    client_resume_point,
    client_subscription,
)
from taskhub.contexts.realtime.domain.stream import StreamEnd
from taskhub.shared_kernel.errors import Gone, ValidationFailed
from taskhub.shared_kernel.roles import Role
from tests.unit.realtime.conftest import World


def test_a_stream_without_a_resume_point_starts_at_the_newest_event(world: World) -> None:
    world.log.append(world.org_id, "task.created", world.clock.now())
    newest = world.log.append(world.org_id, "task.updated", world.clock.now())
    world.log.append(uuid.uuid4(), "task.created", world.clock.now())  # another org's
    start = world.opening.start(world.org_id, after=None)
    assert start.position == newest.position


def test_a_stream_resumes_after_the_event_it_names(world: World) -> None:
    first = world.log.append(world.org_id, "task.created", world.clock.now())
    world.log.append(world.org_id, "task.updated", world.clock.now())
    assert world.opening.start(world.org_id, after=first.id).position == first.position


def test_a_resume_point_past_the_retention_is_gone(world: World) -> None:
    old = world.log.append(world.org_id, "task.created", world.clock.now())
    world.clock.advance(31 * 86400)
    with pytest.raises(Gone) as gone:
        world.opening.start(world.org_id, after=old.id)
    assert gone.value.code == "event_gone"


def test_another_organizations_event_is_no_resume_point(world: World) -> None:
    theirs = world.log.append(uuid.uuid4(), "task.created", world.clock.now())
    with pytest.raises(Gone):
        world.opening.start(world.org_id, after=theirs.id)


def test_types_are_patterns_expanded_as_for_the_feed(world: World) -> None:
    start = world.opening.start(world.org_id, after=None, types=["task.*"])
    assert start.filter.types == {"task.created", "task.updated"}
    with pytest.raises(ValidationFailed):
        world.opening.start(world.org_id, after=None, types=["nothing.*"])


def test_a_subscribe_message_sets_types_and_projects(world: World) -> None:
    project = uuid.uuid4()
    chosen = client_subscription(
        world.opening,
        {"type": "subscribe", "types": ["comment.*"], "project_ids": [str(project)]},
    )
    assert chosen.types == {"comment.created"}
    assert chosen.project_ids == {project}
    assert client_subscription(world.opening, {"type": "subscribe", "types": []}).types is None


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ({"type": "subscribe", "types": "task.*"}, "types"),
        ({"type": "subscribe", "types": [1]}, "types"),
        ({"type": "subscribe", "project_ids": ["not-an-id"]}, "project_ids"),
        ({"type": "subscribe", "project_ids": [7]}, "project_ids"),
        ({"type": "subscribe", "colour": "red"}, "colour"),
        ({"type": "subscribe", "types": ["bogus.*"]}, "types"),
    ],
)
def test_a_bad_subscribe_message_names_its_field(
    world: World, message: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        client_subscription(world.opening, message)
    assert refused.value.errors[0].field == field


def test_too_many_projects_are_refused(world: World) -> None:
    many = [str(uuid.uuid4()) for _ in range(MAX_PROJECT_IDS + 1)]
    with pytest.raises(ValidationFailed):
        client_subscription(world.opening, {"type": "subscribe", "project_ids": many})


def test_a_resume_message_names_an_event_id() -> None:
    event_id = uuid.uuid4()
    assert client_resume_point({"type": "resume", "after": str(event_id)}) == event_id
    bad_messages = (
        {"type": "resume"},
        {"type": "resume", "after": "x"},
        {"type": "resume", "after": 3},
    )
    for bad in bad_messages:
        with pytest.raises(ValidationFailed):
            client_resume_point(bad)


def test_the_recheck_ends_streams_whose_credential_died_or_access_went(world: World) -> None:
    alice, bob, carol = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for credential, user in (("a", alice), ("b", bob), ("c", carol)):
        world.credentials.grant(credential, user)
    world.roles.roles[(alice, world.org_id)] = Role.VIEWER
    world.roles.roles[(bob, world.org_id)] = Role.MEMBER
    pairs = [("a", world.org_id), ("a", world.org_id), ("b", world.org_id), ("c", world.org_id)]
    assert world.access.verdicts(pairs) == {("c", world.org_id): StreamEnd.ACCESS_LOST}

    del world.credentials.live["b"]  # revoked, expired or deactivated
    world.credentials.asked = 0
    ended = world.access.verdicts(pairs)
    assert ended == {
        ("b", world.org_id): StreamEnd.CREDENTIAL_DEAD,
        ("c", world.org_id): StreamEnd.ACCESS_LOST,
    }
    assert world.credentials.asked == 3  # each distinct pair once


def test_the_close_codes_are_the_contracts() -> None:
    assert (StreamEnd.RESUME_GONE, StreamEnd.CREDENTIAL_DEAD, StreamEnd.ACCESS_LOST) == (
        4410,
        4401,
        4403,
    )
