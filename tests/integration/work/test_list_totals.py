"""The task list's `?include=total` under its filters, and paging through a keyed search
(`q=ENG-1`: that task first, then every other match once), over HTTP on both databases.
"""

import urllib.parse
from typing import Any

import attrs
import pytest
from falcon import testing

from tests.integration.work_world import Org, make_org


@attrs.frozen
class Board:
    org: Org
    project: dict[str, Any]
    keyed: dict[str, Any]
    """ENG-1, which the search text `ENG-1` names and also matches."""
    matches: list[dict[str, Any]]
    """The other tasks whose words include `eng` and `1`, in creation order."""
    ids: dict[str, str]
    """Task key -> id."""


@pytest.fixture
def board(client: testing.TestClient) -> Board:
    org = make_org(client)
    eng, ops = org.project("ENG"), org.project("OPS")
    label = org.label("bug")
    keyed = org.task(eng, "Eng 1 root")  # ENG-1: named by the key and matched by the text
    matches = [
        org.task(eng, "About ENG 1 part two", status="in_progress"),
        org.task(eng, "About ENG 1 part three", label_ids=[label["id"]]),
        org.task(ops, "Ops mentions eng 1", status="in_progress", priority="urgent"),
        org.task(eng, "About ENG 1 part five", assignee_ids=[str(org.member.id)]),
    ]
    org.task(eng, "Unrelated", status="in_progress")  # ENG-5
    org.task(eng, "ENG 42 follow-up", label_ids=[label["id"]])  # ENG-6
    org.task(ops, "Unrelated too")
    ids = {t["key"]: t["id"] for t in org.tasks("limit=100")}
    return Board(org=org, project=eng, keyed=keyed, matches=matches, ids=ids)


def walk(org: Org, query: str, limit: int) -> tuple[list[str], set[int]]:
    """Every id the list returns, one page of `limit` at a time, and the totals it told."""
    ids: list[str] = []
    totals: set[int] = set()
    cursor = None
    for _ in range(100):
        params = f"{query}&limit={limit}&include=total"
        if cursor:
            params += f"&cursor={urllib.parse.quote(cursor)}"
        result = org.get("/tasks", query_string=params.lstrip("&"))
        assert result.status_code == 200, result.text
        ids.extend(t["id"] for t in result.json["items"])
        totals.add(result.json["total"])
        cursor = result.json["next_cursor"]
        assert ("link" in result.headers) is (cursor is not None)
        if cursor is None:
            return ids, totals
    raise AssertionError("the walk did not end")


def expect(board: Board, query: str, wanted: list[str]) -> None:
    for limit in (1, 2, 3, 100):
        ids, totals = walk(board.org, query, limit)
        assert ids == wanted, (query, limit)
        assert totals == {len(wanted)}, (query, limit)


def _newest_first(tasks: list[dict[str, Any]]) -> list[str]:
    return [t["id"] for t in reversed(tasks)]


def test_a_keyed_search_pages_every_match_once_with_the_keyed_task_first(board: Board) -> None:
    keyed = board.keyed["id"]
    expect(board, "q=ENG-1", [keyed, *_newest_first(board.matches)])
    expect(board, "q=eng-1&sort=created_at", [keyed, *[t["id"] for t in board.matches]])


def test_a_keyed_search_keeps_its_order_under_sorts_and_filters(board: Board) -> None:
    keyed, m = board.keyed["id"], board.matches
    eng = board.project["id"]
    in_eng = [t["id"] for t in m if t["project_id"] == eng]
    expect(board, f"q=ENG-1&sort=rank&project_id={eng}", [keyed, *in_eng])
    # The keyed task is under the other filters too: not in progress, so not listed.
    expect(board, "q=ENG-1&status=in_progress", _newest_first([m[0], m[2]]))
    expect(board, "q=ENG-1&status=todo&sort=rank", [keyed, *[t["id"] for t in (m[1], m[3])]])
    medium = sorted((t["id"] for t in (m[0], m[1], m[3])), reverse=True)
    expect(board, "q=ENG-1&sort=-priority", [keyed, m[2]["id"], *medium])
    expect(board, "q=ENG-1&sort=due_at", [keyed, *sorted(t["id"] for t in m)])


def test_a_key_whose_task_alone_matches_is_one_page(board: Board) -> None:
    unrelated = board.ids["ENG-5"]
    expect(board, "q=ENG-5", [unrelated])
    # No task ENG-42: the key finds nothing and the words do.
    expect(board, "q=ENG-42", [board.ids["ENG-6"]])
    expect(board, "q=ENG-42&sort=rank&status=todo", [board.ids["ENG-6"]])
    expect(board, "q=ENG-99", [])


def test_the_total_is_the_size_of_the_filtered_list(board: Board) -> None:
    org, eng = board.org, board.project["id"]
    for query in (
        "",
        f"project_id={eng}",
        "status=in_progress",
        "status=todo,in_progress&priority=urgent",
        f"assignee_id={org.member.id}",
        f"label_id={board.matches[1]['label_ids'][0]}",
        "q=part",
        "q=about part",
        "q=nothing-like-this",
        "q=%21%21",
        "cycle_id=none&milestone_id=none",
        "sort=due_at",
        "sort=rank",
    ):
        listed = [t["id"] for t in org.tasks(query)]
        for limit in (1, 2, 100):
            ids, totals = walk(org, query, limit)
            assert ids == listed, (query, limit)
            assert totals == {len(listed)}, (query, limit)


def test_a_page_without_include_has_no_total(board: Board) -> None:
    result = board.org.get("/tasks", query_string="q=ENG-1&limit=1")
    assert "total" not in result.json
    assert result.json["next_cursor"] is not None
