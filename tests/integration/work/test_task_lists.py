"""API.md §Work, the task list: every filter, every sort (exact orders, ties by id, tasks
without a due date last), keyset pagination with Link headers, and cursors that are
tampered with or carried to another sort."""

import itertools
import urllib.parse
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from falcon import testing

from tests.integration.work_world import Org, invalid, link_target, make_org
from tests.integration.world import problem

SORTS = (
    "created_at",
    "-created_at",
    "due_at",
    "-due_at",
    "priority",
    "-priority",
    "updated_at",
    "-updated_at",
)
RANK = {"low": 0, "medium": 1, "high": 2, "urgent": 3}


def expected_order(tasks: list[dict[str, Any]], sort: str) -> list[str]:
    """The order API.md promises, computed from the tasks themselves."""
    descending = sort.startswith("-")
    field = sort.lstrip("-")
    if field == "due_at":
        dated = sorted(
            (t for t in tasks if t["due_at"]),
            key=lambda t: (t["due_at"], t["id"]),
            reverse=descending,
        )
        undated = sorted(
            (t for t in tasks if not t["due_at"]), key=lambda t: t["id"], reverse=descending
        )
        return [t["id"] for t in dated + undated]
    value: Callable[[dict[str, Any]], Any] = (
        (lambda t: RANK[t["priority"]]) if field == "priority" else (lambda t: t[field])
    )
    ordered = sorted(tasks, key=lambda t: (value(t), t["id"]), reverse=descending)
    return [t["id"] for t in ordered]


def walk(org: Org, query: str) -> tuple[list[str], int]:
    """Follow the Link header from the first page to the last: (ids, pages)."""
    result = org.get("/tasks", query_string=query, by=org.viewer)
    ids: list[str] = []
    pages = 0
    while True:
        assert result.status_code == 200, result.text
        pages += 1
        ids.extend(item["id"] for item in result.json["items"])
        if result.json["next_cursor"] is None:
            assert "link" not in result.headers
            return ids, pages
        path, query_string = link_target(result)
        assert path == org.url("/tasks")
        assert urllib.parse.parse_qs(query_string)["cursor"] == [result.json["next_cursor"]]
        result = org.client.simulate_get(path, query_string=query_string, headers=org.viewer.auth)


@attrs.frozen
class Board:
    org: Org
    eng: dict[str, Any]
    ops: dict[str, Any]
    bug: dict[str, Any]
    ui: dict[str, Any]
    tasks: dict[str, dict[str, Any]]

    def ids(self, *names: str) -> list[str]:
        return sorted(self.tasks[name]["id"] for name in names)

    def found(self, query: str) -> list[str]:
        return sorted(t["id"] for t in self.org.tasks(query, by=self.org.viewer))

    def names(self, query: str) -> list[str]:
        by_id = {t["id"]: name for name, t in self.tasks.items()}
        return sorted(by_id[i] for i in self.found(query))


@pytest.fixture
def board(client: testing.TestClient) -> Board:
    org = make_org(client)
    eng, ops = org.project("ENG"), org.project("OPS")
    bug, ui = org.label("bug"), org.label("ui")
    member, viewer = str(org.member.id), str(org.viewer.id)
    tasks: dict[str, dict[str, Any]] = {}
    tasks["a"] = org.task(
        eng,
        "Deploy the staging server",
        status="todo",
        priority="high",
        due_at="2026-01-10T09:00:00Z",
        assignee_ids=[member],
        label_ids=[bug["id"]],
    )
    tasks["b"] = org.task(
        eng,
        "Write release notes",
        description="Mention the deploy window, and thank everyone.",
        status="in_progress",
        priority="low",
        due_at="2026-02-01T00:00:00Z",
        assignee_ids=[member, viewer],
        label_ids=[ui["id"]],
    )
    tasks["c"] = org.task(
        eng,
        "Fix the login bug",
        status="done",
        priority="urgent",
        parent_id=tasks["a"]["id"],
        assignee_ids=[viewer],
        label_ids=[bug["id"], ui["id"]],
    )
    tasks["d"] = org.task(
        ops, "Rotate keys", status="todo", priority="medium", due_at="2026-01-20T00:00:00Z"
    )
    tasks["e"] = org.task(
        ops,
        "Deployment checklist",
        status="cancelled",
        priority="medium",
        due_at="2026-03-01T00:00:00Z",
        parent_id=tasks["d"]["id"],
    )
    tasks["f"] = org.task(
        eng, "Staging cleanup", status="in_review", priority="urgent", due_at="2026-01-10T09:00:00Z"
    )
    # Noise that must never show up: a deleted task and another organization's tasks.
    gone = org.task(eng, "Deploy the deleted thing", assignee_ids=[member], label_ids=[bug["id"]])
    assert org.delete(f"/tasks/{gone['id']}").status_code == 204
    other = make_org(client)
    other.task(other.project("ENG"), "Deploy the other org", status="todo", priority="urgent")
    return Board(org=org, eng=eng, ops=ops, bug=bug, ui=ui, tasks=tasks)


def test_without_filters_every_live_task_of_the_org(board: Board) -> None:
    assert board.names("") == ["a", "b", "c", "d", "e", "f"]


def test_a_listed_task_is_the_task_exactly_as_get_shows_it(board: Board) -> None:
    """The list reads a read model of its own; every field must still match the task's
    own representation, sets sorted, timestamps (with and without fractions) alike."""
    org = board.org
    # A change gives the task an updated_at with a fraction of a second.
    changed = org.patch(f"/tasks/{board.tasks['a']['id']}", {"title": "Deploy, later"})
    assert changed.status_code == 200, changed.text
    for sort in ("-created_at", "due_at", "-priority"):
        listed = org.get("/tasks", params={"limit": "100", "sort": sort}).json["items"]
        assert len(listed) == len(board.tasks)
        for item in listed:
            assert item == org.get(f"/tasks/{item['id']}").json, sort


def test_filter_by_project(board: Board) -> None:
    assert board.names(f"project_id={board.eng['id']}") == ["a", "b", "c", "f"]
    assert board.names(f"project_id={board.ops['id']}") == ["d", "e"]
    other = make_org(board.org.client)
    assert board.names(f"project_id={other.project('ENG')['id']}") == []


def test_status_is_repeatable(board: Board) -> None:
    assert board.names("status=todo") == ["a", "d"]
    assert board.names("status=todo&status=done") == ["a", "c", "d"]
    assert board.names("status=in_progress&status=in_review&status=cancelled") == ["b", "e", "f"]
    assert board.names("status=todo&status=todo") == ["a", "d"]


def test_priority_is_repeatable(board: Board) -> None:
    assert board.names("priority=urgent") == ["c", "f"]
    assert board.names("priority=low&priority=high") == ["a", "b"]
    assert board.names("priority=medium") == ["d", "e"]


def test_filter_by_assignee_label_and_parent(board: Board) -> None:
    org = board.org
    assert board.names(f"assignee_id={org.member.id}") == ["a", "b"]
    assert board.names(f"assignee_id={org.viewer.id}") == ["b", "c"]
    assert board.names(f"assignee_id={org.owner.id}") == []
    assert board.names(f"label_id={board.bug['id']}") == ["a", "c"]
    assert board.names(f"label_id={board.ui['id']}") == ["b", "c"]
    assert board.names(f"parent_id={board.tasks['a']['id']}") == ["c"]
    assert board.names(f"parent_id={board.tasks['d']['id']}") == ["e"]
    assert board.names(f"parent_id={board.tasks['c']['id']}") == []


def test_filter_by_due_dates(board: Board) -> None:
    assert board.names("due_before=2026-01-15T00:00:00Z") == ["a", "f"]
    assert board.names("due_after=2026-01-15T00:00:00Z") == ["b", "d", "e"]
    assert board.names("due_after=2026-01-15T00:00:00Z&due_before=2026-02-15T00:00:00Z") == [
        "b",
        "d",
    ]
    # Offsets are honoured: 2026-01-20T02:00+03:00 is 2026-01-19T23:00Z.
    query = urllib.parse.urlencode({"due_after": "2026-01-20T02:00:00+03:00"})
    assert board.names(query) == ["b", "d", "e"]
    assert board.names("due_before=2025-01-01T00:00:00Z") == []


def test_combined_filters(board: Board) -> None:
    query = (
        f"project_id={board.eng['id']}&status=todo&status=in_review&priority=urgent"
        f"&label_id={board.bug['id']}"
    )
    assert board.names(query) == []
    query = f"project_id={board.eng['id']}&status=todo&status=in_review&priority=urgent"
    assert board.names(query) == ["f"]
    assert board.names(f"assignee_id={board.org.member.id}&q=deploy") == ["a", "b"]


def test_full_text_over_title_and_description_by_whole_words(board: Board) -> None:
    def search(text: str) -> list[str]:
        return board.names(urllib.parse.urlencode({"q": text}))

    assert search("deploy") == ["a", "b"]  # title of a, description of b; not "Deployment"
    assert search("DEPLOY") == ["a", "b"]
    assert search("deploy,") == ["a", "b"]
    assert search("deployment") == ["e"]
    assert search("deploy staging") == ["a"]  # every word is required
    assert search("staging") == ["a", "f"]
    assert search("thank everyone") == ["b"]
    assert search("deplo") == []
    assert search("nothing-like-this") == []
    assert search("   ") == board.names("")


@pytest.mark.parametrize(
    "text",
    ['"unterminated', "a AND (b", "*", "-", ":*", "'", "NEAR(a b)", "deploy OR", "&|!", "\\"],
)
def test_awkward_search_text_is_never_a_server_error(board: Board, text: str) -> None:
    result = board.org.get("/tasks", params={"q": text})
    assert result.status_code == 200, result.text


def test_every_typed_word_must_match_even_or(board: Board) -> None:
    # "or" is a word like any other, not an operator (nor is "-" a negation).
    org = board.org
    wanted = org.task(board.eng, "rock or roll")
    org.task(board.eng, "rock solid")
    org.task(board.eng, "roll call")
    solid = org.tasks(urllib.parse.urlencode({"q": "rock solid"}))
    assert [t["title"] for t in solid] == ["rock solid"]

    def search(text: str) -> list[str]:
        return [t["id"] for t in org.tasks(urllib.parse.urlencode({"q": text}))]

    assert search("rock or roll") == [wanted["id"]]
    assert search("rock OR roll") == [wanted["id"]]
    assert search("rock -solid") == [solid[0]["id"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("project_id=ENG", "project_id"),
        ("status=open", "status"),
        ("status=todo&status=closed", "status"),
        ("priority=critical", "priority"),
        ("assignee_id=me", "assignee_id"),
        ("label_id=1", "label_id"),
        ("parent_id=x", "parent_id"),
        ("due_before=tomorrow", "due_before"),
        ("due_after=2026-01-01T00:00:00", "due_after"),
        ("sort=title", "sort"),
        ("sort=-id", "sort"),
        ("q=" + "x" * 201, "q"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=x", "limit"),
        ("limit=-1", "limit"),
        ("limit=1.5", "limit"),
    ],
)
def test_bad_query_parameters_are_422_naming_them(board: Board, query: str, field: str) -> None:
    invalid(board.org.get("/tasks", query_string=query), field)


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_gives_the_promised_order(board: Board, sort: str) -> None:
    org = board.org
    # More ties: priorities repeat, two due dates coincide, and updates reorder updated_at.
    extra = [
        org.task(board.ops, f"Extra {i}", priority=p, due_at=d)
        for i, (p, d) in enumerate(
            [
                ("urgent", None),
                ("low", "2026-01-10T09:00:00Z"),
                ("medium", None),
                ("urgent", "2026-02-01T00:00:00Z"),
            ]
        )
    ]
    org.patch(f"/tasks/{board.tasks['a']['id']}", {"title": "Deploy the staging server now"})
    org.patch(f"/tasks/{extra[0]['id']}", {"description": "touched"})
    tasks = org.tasks("limit=100")
    assert len(tasks) == 10
    want = expected_order(tasks, sort)
    in_one_page = [t["id"] for t in org.tasks(f"sort={sort}&limit=100")]
    assert in_one_page == want
    walked, pages = walk(org, f"sort={sort}&limit=3")
    assert walked == want
    assert pages == 4
    if sort.lstrip("-") == "due_at":
        undated = {t["id"] for t in tasks if t["due_at"] is None}
        assert set(want[-len(undated) :]) == undated


def test_default_sort_is_newest_first(board: Board) -> None:
    tasks = board.org.tasks("")
    assert [t["id"] for t in tasks] == expected_order(tasks, "-created_at")
    assert tasks[0]["id"] == board.tasks["f"]["id"]


def test_filters_travel_in_the_link_header(board: Board) -> None:
    query = (
        "status=todo&status=done&status=cancelled&q=&sort=due_at&limit=1"
        f"&label_id={board.bug['id']}"
    )
    result = board.org.get("/tasks", query_string=query)
    assert result.status_code == 200
    _, next_query = link_target(result)
    params = urllib.parse.parse_qs(next_query)
    assert params["status"] == ["todo", "done", "cancelled"]
    assert (params["sort"], params["limit"], params["label_id"]) == (
        ["due_at"],
        ["1"],
        [board.bug["id"]],
    )
    ids, pages = walk(board.org, query)
    assert ids == [board.tasks["a"]["id"], board.tasks["c"]["id"]]
    assert pages == 2


def test_limit_defaults_to_20_and_allows_100(client: testing.TestClient) -> None:
    org = make_org(client)
    project = org.project("ENG")
    operations = [
        {"op": "create", "data": {"project_id": project["id"], "title": f"T{i}"}} for i in range(25)
    ]
    assert org.post("/tasks/batch", {"operations": operations}).status_code == 200
    first = org.get("/tasks")
    assert len(first.json["items"]) == 20
    assert first.json["next_cursor"] is not None
    path, query = link_target(first)
    second = client.simulate_get(path, query_string=query, headers=org.member.auth)
    assert len(second.json["items"]) == 5
    assert second.json["next_cursor"] is None
    seen = [t["id"] for t in first.json["items"] + second.json["items"]]
    assert len(set(seen)) == 25
    everything = org.get("/tasks", query_string="limit=100")
    assert [t["id"] for t in everything.json["items"]] == seen
    assert everything.json["next_cursor"] is None
    assert "link" not in everything.headers
    one = org.get("/tasks", query_string="limit=1")
    assert len(one.json["items"]) == 1


def test_pages_do_not_shift_when_tasks_are_created_between_fetches(
    client: testing.TestClient,
) -> None:
    org = make_org(client)
    project = org.project("ENG")
    old = [org.task(project, f"Old {i}")["id"] for i in range(6)]
    newest_first = list(reversed(old))
    page1 = org.get("/tasks", query_string="limit=3")
    assert [t["id"] for t in page1.json["items"]] == newest_first[:3]
    fresh = [org.task(project, f"New {i}")["id"] for i in range(2)]
    org.delete(f"/tasks/{old[5]}")  # one already seen disappears too
    path, query = link_target(page1)
    page2 = client.simulate_get(path, query_string=query, headers=org.member.auth)
    assert [t["id"] for t in page2.json["items"]] == newest_first[3:]
    assert page2.json["next_cursor"] is None
    # Ascending: tasks created after page 1 are found at the end, none twice.
    ascending = org.get("/tasks", query_string="sort=created_at&limit=4")
    more = [org.task(project, "Newer")["id"]]
    path, query = link_target(ascending)
    rest = client.simulate_get(path, query_string=query, headers=org.member.auth)
    ids = [t["id"] for t in ascending.json["items"] + rest.json["items"]]
    assert ids == old[:5] + fresh + more


@pytest.fixture
def cursors(board: Board) -> dict[str, str]:
    found = {}
    for sort in SORTS:
        result = board.org.get("/tasks", query_string=f"sort={sort}&limit=2")
        found[sort] = result.json["next_cursor"]
        assert found[sort]
    return found


def _shape(sort: str) -> str:
    return {"created_at": "time", "updated_at": "time"}.get(sort.lstrip("-"), sort.lstrip("-"))


def _carried(board: Board, cursors: dict[str, str], same_shape: bool) -> dict[str, int]:
    """Each cursor used with every other sort whose keys do (not) look alike: the statuses."""
    statuses = {}
    for issued_for, used_with in itertools.permutations(SORTS, 2):
        if (_shape(issued_for) == _shape(used_with)) != same_shape:
            continue
        result = board.org.get("/tasks", params={"sort": used_with, "cursor": cursors[issued_for]})
        statuses[f"{issued_for} -> {used_with}"] = result.status_code
        if result.status_code != 200:
            problem(result, result.status_code)
    return statuses


def test_a_cursor_of_another_sort_is_refused(board: Board, cursors: dict[str, str]) -> None:
    statuses = _carried(board, cursors, same_shape=False)
    assert len(statuses) == 40
    assert {k: v for k, v in statuses.items() if v not in (400, 422)} == {}


def test_a_cursor_of_a_look_alike_sort_is_refused(board: Board, cursors: dict[str, str]) -> None:
    statuses = _carried(board, cursors, same_shape=True)
    assert len(statuses) == 16
    assert {k: v for k, v in statuses.items() if v not in (400, 422)} == {}


def test_tampered_cursors_are_400(board: Board, cursors: dict[str, str]) -> None:
    cursor = cursors["-created_at"]
    flipped = cursor[:-3] + ("A" if cursor[-3] != "A" else "B") + cursor[-2:]
    for bad in (flipped, "garbage", "%%%", cursor[:6], cursor + "AA", "", "=" * 8):
        result = board.org.get("/tasks", params={"cursor": bad})
        if bad == "":
            assert result.status_code == 200  # an empty cursor is the first page
            continue
        problem(result, 400, "invalid_cursor")
    # A cursor signed for another list (projects) still fails on the task sorts it does not fit.
    projects = board.org.get("/projects", query_string="limit=1").json["next_cursor"]
    result = board.org.get("/tasks", params={"cursor": projects, "sort": "priority"})
    assert result.status_code in (400, 422)
