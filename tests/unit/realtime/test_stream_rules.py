"""The stream rules: order, no duplicates across the backlog/live overlap, filters."""

import uuid

from taskhub.contexts.realtime.domain.stream import StreamCursor, StreamFilter


def test_a_new_stream_refuses_live_offers_until_it_has_caught_up() -> None:
    cursor = StreamCursor(position=10)
    assert not cursor.offer(11)  # the backlog reader will read 11 itself
    assert cursor.read(11)
    assert cursor.read(12)
    assert cursor.caught_up(hub_position=12)
    assert not cursor.offer(12)  # already shown by the backlog
    assert cursor.offer(13)


def test_the_backlog_is_read_again_when_the_hub_moved_on_during_the_read() -> None:
    cursor = StreamCursor(position=10)
    assert cursor.read(11)
    # The hub fanned out 12 and 13 while the read (which ended at 11) ran.
    assert not cursor.caught_up(hub_position=13)
    assert cursor.catching_up
    assert cursor.read(12)
    assert cursor.read(13)
    assert cursor.caught_up(hub_position=13)


def test_a_stream_goes_live_when_the_hub_has_fanned_out_nothing_yet() -> None:
    cursor = StreamCursor(position=4)
    assert cursor.caught_up(hub_position=None)
    assert cursor.offer(5)


def test_an_event_is_never_taken_twice_nor_out_of_order() -> None:
    cursor = StreamCursor(position=0, catching_up=False)
    taken = [p for p in (1, 2, 2, 1, 3, 5, 4, 6) if cursor.offer(p)]
    assert taken == [1, 2, 3, 5, 6]


def test_the_overlap_of_backlog_and_live_shows_each_event_once_in_order() -> None:
    """Backlog pages and live fan-outs interleave as they would on the loop."""
    cursor = StreamCursor(position=0)
    shown: list[int] = []
    hub_position = None
    for position in (1, 2, 3):  # the backlog's first page
        if cursor.read(position):
            shown.append(position)
    for position in (3, 4):  # the hub fans out 3 and 4 meanwhile: refused, catching up
        hub_position = position
        if cursor.offer(position):
            shown.append(position)
    assert not cursor.caught_up(hub_position)
    for position in (4,):  # the backlog reads again
        if cursor.read(position):
            shown.append(position)
    assert cursor.caught_up(hub_position)
    for position in (4, 5, 6):
        if cursor.offer(position):
            shown.append(position)
    assert shown == [1, 2, 3, 4, 5, 6]


def test_the_filter_by_types() -> None:
    only_tasks = StreamFilter(types=frozenset({"task.created"}))
    assert only_tasks.admits("task.created", {})
    assert not only_tasks.admits("comment.created", {})
    assert StreamFilter().admits("anything.at_all", {})


def test_the_filter_by_projects() -> None:
    wanted, other = uuid.uuid4(), uuid.uuid4()
    by_project = StreamFilter(project_ids=frozenset({wanted}))
    assert by_project.admits("task.created", {"project_id": str(wanted)})
    assert by_project.admits("project.created", {"id": str(wanted)})
    assert not by_project.admits("task.created", {"project_id": str(other)})
    assert not by_project.admits("member.added", {"user_id": str(wanted)})
    assert not by_project.admits("task.created", {"project_id": "not an id"})
