"""The fakes' one keyset paging: order, continuation and cursors as the SQL pages have them."""

import uuid
from datetime import UTC, datetime

import attrs
import pytest

from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import PageRequest

NOON = datetime(2026, 1, 1, 12, tzinfo=UTC)


@attrs.frozen
class Row:
    id: uuid.UUID
    created_at: datetime


def _rows() -> list[Row]:
    ids = sorted(uuid.uuid4() for _ in range(5))
    # Three share a timestamp, so the id breaks the tie.
    times = [NOON, NOON, NOON, NOON.replace(hour=13), NOON.replace(hour=11)]
    return [Row(id=i, created_at=t) for i, t in zip(ids, times, strict=True)]


def _walk(rows: list[Row], *, descending: bool) -> list[Row]:
    seen: list[Row] = []
    after = None
    while True:
        page = keyset_page(
            rows,
            PageRequest(limit=2, after=after),
            by_time_then_id(creation_key, descending=descending),
        )
        seen.extend(page.items)
        if page.next_after is None:
            return seen
        after = page.next_after


@pytest.mark.parametrize("descending", [False, True])
def test_pages_walk_every_item_once_in_key_order(descending: bool) -> None:
    rows = _rows()
    expected = sorted(rows, key=lambda r: (r.created_at, r.id), reverse=descending)
    assert _walk(rows, descending=descending) == expected


def test_cursors_are_written_as_the_sql_pages_write_them() -> None:
    rows = _rows()
    page = keyset_page(rows, PageRequest(limit=1), by_time_then_id(creation_key))
    first = min(rows, key=lambda r: (r.created_at, r.id))
    assert page.next_after == (first.created_at.isoformat(), str(first.id))


def test_the_last_page_has_no_cursor() -> None:
    page = keyset_page(_rows(), PageRequest(limit=5), by_time_then_id(creation_key))
    assert len(page.items) == 5
    assert page.next_after is None


@pytest.mark.parametrize("after", [("1",), ("not a time", str(uuid.uuid4())), ("x", "y", "z")])
def test_a_cursor_of_another_list_is_refused(after: tuple[str, ...]) -> None:
    with pytest.raises(ValidationFailed) as raised:
        keyset_page(_rows(), PageRequest(after=after), by_time_then_id(creation_key))
    assert raised.value.errors[0].field == "cursor"
