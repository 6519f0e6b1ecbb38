"""`taskhub seed --demo`: an empty database becomes a team to try taskhub with, made
through the use cases (SQLite and PostgreSQL); a database with accounts is refused."""

import random
from pathlib import Path
from typing import Any

import pytest
from falcon import testing

from taskhub.bootstrap import ApplicationContainer
from taskhub.entrypoints.demo_seed import (
    MEMBER_EMAIL,
    OWNER_EMAIL,
    TASKS_PER_PROJECT,
    DatabaseInUse,
    seed_demo,
)
from taskhub.entrypoints.wsgi import create_app
from tests.integration.conftest import TEST_SECRET
from tests.integration.platform.test_cli import run
from tests.integration.world import API, bearer


def _all(client: testing.TestClient, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url = f"{path}?limit=100"
    while True:
        page = client.simulate_get(url, headers=headers)
        assert page.status_code == 200, page.text
        items.extend(page.json["items"])
        if page.json["next_cursor"] is None:
            return items
        url = f"{path}?limit=100&cursor={page.json['next_cursor']}"


def test_the_demo_team_uses_every_feature_and_signs_in(container: ApplicationContainer) -> None:
    passwords = seed_demo(container, rng=random.Random(7))
    client = testing.TestClient(create_app(container))
    tokens = {}
    for email in (OWNER_EMAIL, MEMBER_EMAIL):
        signed_in = client.simulate_post(
            f"{API}/auth/login", json={"email": email, "password": passwords[email]}
        )
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json["user"]["email_verified"] is True
        tokens[email] = bearer(signed_in.json["access_token"])
    orgs = client.simulate_get(f"{API}/orgs", headers=tokens[MEMBER_EMAIL]).json["items"]
    assert [(o["slug"], o["role"]) for o in orgs] == [("demo", "member")]
    org = f"{API}/orgs/{orgs[0]['id']}"
    owner = tokens[OWNER_EMAIL]

    projects = _all(client, f"{org}/projects", owner)
    tasks = _all(client, f"{org}/tasks", owner)
    assert len(projects) == 3
    assert len(tasks) == 3 * TASKS_PER_PROJECT
    assert any(t["assignee_ids"] for t in tasks)
    assert any(t["label_ids"] for t in tasks)
    assert any(t["due_at"] for t in tasks)
    assert {t["status"] for t in tasks} >= {"todo", "done"}
    blocked = [t for t in tasks if t["status"] == "todo"]
    assert any(
        client.simulate_get(f"{org}/tasks/{t['id']}/dependencies", headers=owner).json["items"]
        for t in blocked[:40]
    )
    assert any(
        client.simulate_get(f"{org}/tasks/{t['id']}/comments", headers=owner).json["items"]
        for t in tasks[:40]
    )
    assert len(_all(client, f"{org}/labels", owner)) == 4
    assert client.simulate_get(f"{org}/audit-log/verify", headers=owner).json["valid"] is True

    with pytest.raises(DatabaseInUse):
        seed_demo(container)


def test_the_command_shows_progress_prints_the_passwords_once_and_refuses_a_used_database(
    fresh_sqlite_url: str, tmp_path: Path
) -> None:
    env = {
        "TASKHUB_DATABASE_URL": fresh_sqlite_url,
        "TASKHUB_SECRET_KEY": TEST_SECRET,
        "TASKHUB_BCRYPT_ROUNDS": "4",
    }
    seeded = run(["seed", "--demo"], tmp_path, **env)
    assert seeded.returncode == 0, seeded.stderr
    lines = seeded.stdout.splitlines()
    assert any(line.split()[0] == OWNER_EMAIL for line in lines[1:])
    assert any(line.split()[0] == MEMBER_EMAIL for line in lines[1:])
    assert f"] {3 * TASKS_PER_PROJECT}/{3 * TASKS_PER_PROJECT} tasks" in seeded.stderr

    again = run(["seed", "--demo"], tmp_path, **env)
    assert again.returncode == 1
    assert "already has accounts" in again.stderr
    assert OWNER_EMAIL not in again.stdout
    assert "Traceback" not in again.stderr
    bare = run(["seed"], tmp_path, **env)
    assert bare.returncode == 2
