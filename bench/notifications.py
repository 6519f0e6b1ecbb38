"""What notifications cost: the request that changes a watched task, and the worker's fan-out.

1. Statements of one `PATCH /tasks/{id}` (a status change) on a task with 50 watchers,
   against the same PATCH on a task nobody else watches: fan-out happens in the worker,
   so the request may add at most one statement (it adds none: the acting user rides
   on the outbox row the change writes anyway).
2. Notifications per second the notifications subscriber writes on PostgreSQL, for
   status changes of tasks with 50 watchers, in the consumer's batches.

Run: `.venv/bin/python bench/notifications.py` (PostgreSQL from `BENCH_PG_URL`); the
result goes to `bench/results/notifications.txt`.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import psycopg
import sqlalchemy as sa
from _common import ADMIN_URL, RESULTS_DIR
from falcon import testing

from taskhub.bootstrap import build_container
from taskhub.contexts.notifications.adapters.messaging.subscriptions import SUBSCRIBER
from taskhub.entrypoints.wsgi import create_app
from taskhub.platform.database import create_database_engine
from taskhub.platform.messaging.envelope import Envelope
from taskhub.platform.messaging.tables import outbox
from taskhub.platform.migrations import upgrade
from taskhub.platform.settings import RateLimit, Settings

API = "/api/v1"
WATCHERS = 50
CHANGES = 60


def _register(client: testing.TestClient, name: str) -> dict[str, Any]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": "correct horse 1", "name": name}
    result = client.simulate_post(f"{API}/auth/register", json=body)
    assert result.status_code == 201, result.text
    return {"id": result.json["user"]["id"], "email": email, "token": result.json["access_token"]}


def _auth(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {user['token']}"}


def _deliver(container: Any, after: int) -> tuple[int, float]:
    """Hand the outbox's events after `after` to the subscriber in batches of 200."""
    [subscription] = [s for s in container.subscriptions() if s.name == SUBSCRIBER]
    with container.engine().connect() as connection:
        rows = connection.execute(
            sa.select(outbox).where(outbox.c.position > after).order_by(outbox.c.position)
        ).all()
    bodies = [
        Envelope(
            event_id=r.event_id,
            type=r.event_type,
            org_id=r.org_id,
            occurred_at=r.occurred_at,
            ordering_key=r.ordering_key,
            data=r.payload,
            position=r.position,
            actor_id=r.actor_id,
        ).body()
        for r in rows
    ]
    started = time.perf_counter()
    for start in range(0, len(bodies), 200):
        assert container.consumer().handle_batch(subscription, bodies[start : start + 200])
    return (rows[-1].position if rows else after), time.perf_counter() - started


def main() -> None:
    name = f"bench_notifications_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = sa.make_url(ADMIN_URL.replace("postgresql://", "postgresql+psycopg://")).set(
        database=name
    )
    try:
        engine = create_database_engine(url.render_as_string(hide_password=False))
        upgrade(engine)
        settings = Settings(
            database_url=url.render_as_string(hide_password=False),
            secret_key="bench-secret-key-bench-secret-key",
            bcrypt_rounds=4,
            rate_limit_auth=RateLimit(10_000, 60),
            rate_limit_api=RateLimit(100_000, 60),
        )
        container = build_container(settings)
        client = testing.TestClient(create_app(container))
        owner = _register(client, "owner")
        org = client.simulate_post(
            f"{API}/orgs",
            json={"name": "Bench", "slug": f"bench-{uuid.uuid4().hex[:8]}"},
            headers=_auth(owner),
        ).json
        base = f"{API}/orgs/{org['id']}"
        people = [_register(client, f"w{i}") for i in range(WATCHERS)]
        for person in people:
            result = client.simulate_post(
                f"{base}/members",
                json={"email": person["email"], "role": "member"},
                headers=_auth(owner),
            )
            assert result.status_code == 201, result.text
        project = client.simulate_post(
            f"{base}/projects", json={"name": "Bench", "key": "BEN"}, headers=_auth(owner)
        ).json
        watched = client.simulate_post(
            f"{base}/tasks",
            json={"project_id": project["id"], "title": "Watched"},
            headers=_auth(owner),
        ).json
        lonely = client.simulate_post(
            f"{base}/tasks",
            json={"project_id": project["id"], "title": "Lonely"},
            headers=_auth(owner),
        ).json
        for person in people:
            path = f"{base}/tasks/{watched['id']}/watchers/{person['id']}"
            assert client.simulate_put(path, headers=_auth(person)).status_code == 204
        position, _ = _deliver(container, 0)

        def statements(task_id: str, status: str) -> int:
            seen: list[str] = []

            def record(*args: Any) -> None:
                seen.append(args[2])

            sa.event.listen(container.engine(), "before_cursor_execute", record)
            try:
                result = client.simulate_patch(
                    f"{base}/tasks/{task_id}", json={"status": status}, headers=_auth(owner)
                )
                assert result.status_code == 200, result.text
            finally:
                sa.event.remove(container.engine(), "before_cursor_execute", record)
            return len(seen)

        lonely_count = statements(lonely["id"], "in_progress")
        watched_count = statements(watched["id"], "in_progress")
        position, _ = _deliver(container, position)

        statuses = ["todo", "in_progress"]
        for index in range(CHANGES):
            client.simulate_patch(
                f"{base}/tasks/{watched['id']}",
                json={"status": statuses[index % 2]},
                headers=_auth(owner),
            )
        with engine.connect() as connection:
            before = connection.execute(
                sa.text("SELECT count(*) FROM notifications_notifications")
            ).scalar_one()
        position, seconds = _deliver(container, position)
        with engine.connect() as connection:
            after = connection.execute(
                sa.text("SELECT count(*) FROM notifications_notifications")
            ).scalar_one()
        made = after - before
        lines = [
            "notifications bench (PostgreSQL, one process, 2 shared cores)",
            f"PATCH status, task watched by {WATCHERS}: {watched_count} statements",
            f"PATCH status, task watched by nobody else: {lonely_count} statements",
            f"extra statements in the request: {watched_count - lonely_count}",
            f"fan-out: {made} notifications from {CHANGES} events in {seconds:.3f} s"
            f" = {made / seconds:,.0f} notifications/s",
        ]
        text = "\n".join(lines) + "\n"
        print(text, end="")
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / "notifications.txt").write_text(text)
        engine.dispose()
        container.engine().dispose()
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
