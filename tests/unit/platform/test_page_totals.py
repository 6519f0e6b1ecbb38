"""`?include=total`, read strictly, and the pages that carry a total."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from taskhub.platform.http.query import PAGE_PARAMS, read_query
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.in_memory_pages import by_time_then_id, creation_key, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest


def test_include_takes_total_once() -> None:
    assert read_query("include=total", PAGE_PARAMS) == {"include": "total"}
    assert read_query("limit=5", PAGE_PARAMS) == {"limit": 5}


@pytest.mark.parametrize(
    "query",
    [
        "include=",
        "include=Total",
        "include=count",
        "include=total,items",
        "include=total&include=total",
    ],
)
def test_anything_else_in_include_is_refused_naming_it(query: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        read_query(query, PAGE_PARAMS)
    assert [e.field for e in refused.value.errors] == ["include"]


class _Item:
    def __init__(self, n: int) -> None:
        self.id = uuid.UUID(int=n)
        self.created_at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)


def test_in_memory_pages_count_the_items_given_whatever_the_cursor_only_when_asked() -> None:
    items = [_Item(n) for n in range(5)]
    order = by_time_then_id(creation_key)
    first = keyset_page(items, PageRequest(limit=2, with_total=True), order)
    assert first.total == 5
    second = keyset_page(
        items, PageRequest(limit=2, after=first.next_after, with_total=True), order
    )
    assert (len(second.items), second.total) == (2, 5)
    assert keyset_page(items, PageRequest(limit=2), order).total is None


def test_map_keeps_the_cursor_and_the_total() -> None:
    page = Page(items=[1, 2], next_after=("2",), total=7)
    assert page.map(str) == Page(items=["1", "2"], next_after=("2",), total=7)
    assert Page(items=[1], next_after=()).map(str).next_after == ()
