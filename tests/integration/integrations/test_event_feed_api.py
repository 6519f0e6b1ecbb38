"""API.md §Events, the feed: an organization's events oldest first in commit order,
keyset-paged, continued with `after`, filtered by type, kept for the retention, never
another organization's (SQLite and PostgreSQL; concurrent writers on PostgreSQL)."""

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.messaging.tables import outbox
from tests.integration.conftest import container_for
from tests.integration.world import API, User, add_member, create_org, problem, register

# A new project gets one workflow state per task status, each announced as an event.
DEFAULT_STATES = 5


def feed(client: testing.TestClient, user: User, org_id: str, query: str = "") -> Any:
    result = client.simulate_get(
        f"{API}/orgs/{org_id}/events", query_string=query, headers=user.auth
    )
    assert result.status_code == 200, result.text
    return result.json


def every_event(client: testing.TestClient, user: User, org_id: str, query: str = "") -> list[Any]:
    """Every page, following `next_cursor` until it is null."""
    items: list[Any] = []
    page = feed(client, user, org_id, f"limit=3&{query}")
    items += page["items"]
    while page["next_cursor"]:
        page = feed(client, user, org_id, f"limit=3&cursor={page['next_cursor']}&{query}")
        items += page["items"]
    return items


def post(client: testing.TestClient, user: User, path: str, body: dict[str, Any]) -> Any:
    result = client.simulate_post(path, json=body, headers=user.auth)
    assert result.status_code == 201, result.text
    return result.json


def test_events_come_oldest_first_across_projects_with_their_data(
    client: testing.TestClient, owner: User, org_id: str
) -> None:
    org = f"{API}/orgs/{org_id}"
    one = post(client, owner, f"{org}/projects", {"name": "One", "key": "ONE"})
    two = post(client, owner, f"{org}/projects", {"name": "Two", "key": "TWO"})
    made = [
        post(client, owner, f"{org}/tasks", {"project_id": p["id"], "title": f"T{i}"})
        for i, p in enumerate([one, two, one, two])
    ]
    comment = post(client, owner, f"{org}/tasks/{made[1]['id']}/comments", {"body": "hi"})

    everything = every_event(client, owner, org_id)
    # Each new project's default workflow states are events too; this test is about the rest.
    assert [i["type"] for i in everything].count("state.created") == 2 * DEFAULT_STATES
    items = [i for i in everything if i["type"] != "state.created"]
    assert [i["type"] for i in items] == [
        "member.added",
        "project.created",
        "project.created",
        *["task.created"] * 4,
        "comment.created",
    ]
    assert [i["data"]["id"] for i in items[3:7]] == [t["id"] for t in made]
    shown = ("id", "body", "author_id", "version")
    assert {k: items[7]["data"][k] for k in shown} == {k: comment[k] for k in shown}
    assert items[7]["data"]["task_id"] == made[1]["id"]
    assert set(items[0]) == {"id", "type", "occurred_at", "data"}
    assert items[3]["data"]["key"] == made[0]["key"]
    assert len({i["id"] for i in items}) == len(items)


def test_after_continues_after_an_event_and_types_filter(
    client: testing.TestClient, owner: User, org_id: str
) -> None:
    org = f"{API}/orgs/{org_id}"
    project = post(client, owner, f"{org}/projects", {"name": "One", "key": "ONE"})
    task = post(client, owner, f"{org}/tasks", {"project_id": project["id"], "title": "T"})
    post(client, owner, f"{org}/tasks/{task['id']}/comments", {"body": "hi"})
    post(client, owner, f"{org}/labels", {"name": "bug", "color": "#ff0000"})
    items = every_event(client, owner, org_id)

    after_project = feed(client, owner, org_id, f"after={items[1]['id']}")["items"]
    assert [i["id"] for i in after_project] == [i["id"] for i in items[2:]]
    assert feed(client, owner, org_id, f"after={items[-1]['id']}")["items"] == []

    def types(query: str) -> list[str]:
        return [i["type"] for i in every_event(client, owner, org_id, f"types={query}")]

    assert types("task.*,comment.created") == ["task.created", "comment.created"]
    assert types("label.created") == ["label.created"]
    assert types("*") == [i["type"] for i in items]
    assert types("project.*") == ["project.created"]
    page = feed(client, owner, org_id, f"types=task.*,label.*&after={items[0]['id']}")
    assert [i["type"] for i in page["items"]] == ["task.created", "label.created"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("types=nothing.*", "types"),
        ("types=task.moved_to_mars", "types"),
        ("types=", "types"),
        ("types=TASK.*", "types"),
        ("types=task.*,,", "types"),
        ("after=not-a-uuid", "after"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("since=2026-01-01T00:00:00Z", "since"),
        ("types=task.*&types=comment.*", "types"),
    ],
)
def test_bad_query_strings_are_422_naming_the_parameter(
    client: testing.TestClient, owner: User, org_id: str, query: str, field: str
) -> None:
    result = client.simulate_get(
        f"{API}/orgs/{org_id}/events", query_string=query, headers=owner.auth
    )
    body = problem(result, 422)
    assert [e["field"] for e in body["errors"]] == [field]


def test_after_with_a_cursor_is_422_and_an_unknown_event_is_410(
    client: testing.TestClient, owner: User, org_id: str
) -> None:
    org = f"{API}/orgs/{org_id}"
    for key in ("ONE", "TWO", "THR"):
        post(client, owner, f"{org}/projects", {"name": key, "key": key})
    page = feed(client, owner, org_id, "limit=2")
    first = page["items"][0]["id"]
    both = client.simulate_get(
        f"{org}/events",
        query_string=f"after={first}&cursor={page['next_cursor']}",
        headers=owner.auth,
    )
    assert problem(both, 422)["errors"][0]["field"] == "after"
    gone = client.simulate_get(
        f"{org}/events", query_string=f"after={uuid.uuid4()}", headers=owner.auth
    )
    problem(gone, 410, "event_gone")
    tampered = client.simulate_get(f"{org}/events", query_string="cursor=abc", headers=owner.auth)
    assert tampered.status_code in (400, 422)


def test_another_organizations_events_are_never_visible(
    client: testing.TestClient, owner: User, org_id: str
) -> None:
    stranger = register(client, "stranger")
    theirs = str(create_org(client, stranger)["id"])
    post(client, stranger, f"{API}/orgs/{theirs}/projects", {"name": "S", "key": "SEC"})
    their_events = feed(client, stranger, theirs)["items"]

    outsider = client.simulate_get(f"{API}/orgs/{theirs}/events", headers=owner.auth)
    problem(outsider, 404)
    mine = every_event(client, owner, org_id)
    assert not {i["id"] for i in mine} & {i["id"] for i in their_events}
    # Their event id is no resume point in my feed.
    crossed = client.simulate_get(
        f"{API}/orgs/{org_id}/events",
        query_string=f"after={their_events[-1]['id']}",
        headers=owner.auth,
    )
    problem(crossed, 410)
    viewer = register(client, "viewer")
    add_member(client, org_id, owner, viewer, "viewer")
    assert feed(client, viewer, org_id)["items"]
    assert client.simulate_get(f"{API}/orgs/{org_id}/events").status_code == 401


def test_events_past_the_retention_leave_the_feed_and_are_purged(
    engine: Engine, container: ApplicationContainer
) -> None:
    client = testing.TestClient(create_app(container_for(engine, event_retention_days=2)))
    owner = register(client, "owner")
    org_id = str(create_org(client, owner)["id"])
    org = f"{API}/orgs/{org_id}"
    old = post(client, owner, f"{org}/projects", {"name": "Old", "key": "OLD"})
    post(client, owner, f"{org}/projects", {"name": "New", "key": "NEW"})
    before = every_event(client, owner, org_id)
    old_event = next(i for i in before if i["data"].get("id") == old["id"])
    # The member's arrival and everything about the old project (its default states too).
    aged = [before[0]] + [
        i for i in before if old["id"] in (i["data"].get("id"), i["data"].get("project_id"))
    ]
    long_ago = container.clock().now() - timedelta(days=9)
    with engine.begin() as connection:
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.event_id.in_([uuid.UUID(i["id"]) for i in aged]))
            .values(occurred_at=long_ago, published_at=long_ago)
        )

    after = every_event(client, owner, org_id)
    assert [i["type"] for i in after] == ["project.created", *["state.created"] * DEFAULT_STATES]
    assert after[0]["data"]["key"] == "NEW"
    resumed = client.simulate_get(
        f"{org}/events", query_string=f"after={old_event['id']}", headers=owner.auth
    )
    problem(resumed, 410)

    relay = container_for(engine, event_retention_days=2).relay()
    try:
        assert relay.prune() >= len(aged)
    finally:
        relay.close()
    with engine.connect() as connection:
        kept = connection.execute(
            sa.select(sa.func.count())
            .select_from(outbox)
            .where(outbox.c.org_id == uuid.UUID(org_id))
        ).scalar_one()
    assert kept == 1 + DEFAULT_STATES


def test_published_events_younger_than_the_retention_are_not_purged(engine: Engine) -> None:
    container = container_for(engine, event_retention_days=30)
    client = testing.TestClient(create_app(container))
    owner = register(client, "owner")
    org_id = str(create_org(client, owner)["id"])
    ten_days_ago = container.clock().now() - timedelta(days=10)
    with engine.begin() as connection:
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.org_id == uuid.UUID(org_id))
            .values(occurred_at=ten_days_ago, published_at=ten_days_ago)
        )
    post(client, owner, f"{API}/orgs/{org_id}/projects", {"name": "N", "key": "NEW"})
    relay = container.relay()
    try:
        relay.prune()
    finally:
        relay.close()
    assert [i["type"] for i in every_event(client, owner, org_id)] == [
        "member.added",
        "project.created",
        *["state.created"] * DEFAULT_STATES,
    ]


@pytest.mark.postgres
def test_paging_while_events_commit_concurrently_has_no_gaps_or_repeats(
    postgres_engine: Engine,
) -> None:
    container = container_for(postgres_engine)
    client = testing.TestClient(create_app(container))
    owner = register(client, "owner")
    org_id = str(create_org(client, owner)["id"])
    org = f"{API}/orgs/{org_id}"
    projects = [
        post(client, owner, f"{org}/projects", {"name": k, "key": k}) for k in ("AAA", "BBB")
    ]
    writers, rounds = 12, 4
    stop = threading.Event()
    failures: list[str] = []

    def write(n: int) -> None:
        writer = testing.TestClient(create_app(container))
        for r in range(rounds):
            project = projects[(n + r) % 2]
            result = writer.simulate_post(
                f"{org}/tasks",
                json={"project_id": project["id"], "title": f"w{n}r{r}"},
                headers=owner.auth,
            )
            if result.status_code != 201:
                failures.append(result.text)

    seen: list[str] = []

    def read() -> None:
        reader = testing.TestClient(create_app(container))
        last: str | None = None
        while True:
            done = stop.is_set()
            query = "limit=5" + (f"&after={last}" if last else "")
            page = feed(reader, owner, org_id, query)
            seen.extend(i["id"] for i in page["items"])
            if page["items"]:
                last = page["items"][-1]["id"]
            elif done:
                return

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    reader.join()

    assert not failures
    with postgres_engine.connect() as connection:
        committed = (
            connection.execute(
                sa.select(outbox.c.event_id)
                .where(outbox.c.org_id == uuid.UUID(org_id))
                .order_by(outbox.c.position)
            )
            .scalars()
            .all()
        )
    assert len(committed) == 3 + 2 * DEFAULT_STATES + writers * rounds
    assert seen == [str(event_id) for event_id in committed]
