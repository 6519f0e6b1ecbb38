"""A client generated from the served document runs a whole scenario, unchanged.

openapi-python-client writes a package from `/openapi.json` into a temporary folder;
the scenario imports it from there and uses nothing else to speak to the server:
register, create an organization, a project, labels and tasks, list them with every
kind of filter (status, assignee, label, full text, sort), and subscribe a webhook. If
the document under-describes a parameter or a body, the generated call cannot be made
or its answer cannot be parsed, and this fails.
"""

import importlib
import json
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.integration.platform.served import served_taskhub

pytestmark = pytest.mark.process

PACKAGE = "taskhub_client"


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The base URL of a running server, and the folder holding its generated client."""
    with served_taskhub(tmp_path, "client") as base:
        with urllib.request.urlopen(f"{base}/openapi.json", timeout=30) as answer:
            document = json.load(answer)
        (tmp_path / "openapi.json").write_text(json.dumps(document))
        (tmp_path / "generator.yaml").write_text(
            f"package_name_override: {PACKAGE}\npost_hooks: []\n"
        )
        out = tmp_path / "generated"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "openapi_python_client",
                "generate",
                "--path",
                str(tmp_path / "openapi.json"),
                "--config",
                str(tmp_path / "generator.yaml"),
                "--meta",
                "none",
                "--output-path",
                str(out / PACKAGE),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        sys.path.insert(0, str(out))
        try:
            yield base, out
        finally:
            sys.path.remove(str(out))
            for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
                del sys.modules[name]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _ok(response: Any, status: int) -> Any:
    assert response.status_code == status, response.content
    return response.parsed


def test_a_generated_client_runs_the_whole_scenario(generated: tuple[str, Path]) -> None:
    base, _ = generated
    client_module = _module("client")
    models = _module("models")
    api = "api"

    anonymous = client_module.Client(base_url=base)
    auth = _ok(
        _module(f"{api}.authentication.register").sync_detailed(
            client=anonymous,
            body=models.RegisterRequest(
                email="ada@example.com", password="secret123", name="Ada Lovelace"
            ),
        ),
        201,
    )
    me = client_module.AuthenticatedClient(base_url=base, token=auth.access_token)

    org = _ok(
        _module(f"{api}.organizations.create_org").sync_detailed(
            client=me, body=models.CreateOrganizationRequest(name="Acme", slug="acme")
        ),
        201,
    )
    project = _ok(
        _module(f"{api}.projects.create_project").sync_detailed(
            org.id, client=me, body=models.CreateProjectRequest(name="Engine", key="ENG")
        ),
        201,
    )
    bug = _ok(
        _module(f"{api}.labels.create_label").sync_detailed(
            org.id, client=me, body=models.CreateLabelRequest(name="bug", color="#d73a4a")
        ),
        201,
    )

    create_task = _module(f"{api}.tasks.create_task")
    titles = {
        "Fix the login page": ("in_progress", "urgent", [auth.user.id], [bug.id]),
        "Write the release notes": ("todo", "low", [], []),
        "Speed up the board": ("todo", "high", [auth.user.id], []),
    }
    for title, (status, priority, assignees, labels) in titles.items():
        _ok(
            create_task.sync_detailed(
                org.id,
                client=me,
                body=models.CreateTaskRequest.from_dict(
                    {
                        "project_id": str(project.id),
                        "title": title,
                        "status": status,
                        "priority": priority,
                        "assignee_ids": [str(a) for a in assignees],
                        "label_ids": [str(a) for a in labels],
                    }
                ),
                idempotency_key=str(uuid.uuid4()),
            ),
            201,
        )

    list_tasks = _module(f"{api}.tasks.list_tasks")

    def titles_of(**filters: Any) -> list[str]:
        page = _ok(list_tasks.sync_detailed(org.id, client=me, **filters), 200)
        return [task.title for task in page.items]

    assert sorted(titles_of(status=[models.ListTasksStatusItem("todo")])) == [
        "Speed up the board",
        "Write the release notes",
    ]
    assert sorted(titles_of(assignee_id=auth.user.id)) == [
        "Fix the login page",
        "Speed up the board",
    ]
    assert titles_of(label_id=bug.id) == ["Fix the login page"]
    assert titles_of(q="release") == ["Write the release notes"]
    assert titles_of(sort=models.ListTasksSort("-priority"), project_id=project.id) == [
        "Fix the login page",
        "Speed up the board",
        "Write the release notes",
    ]
    first = _ok(list_tasks.sync_detailed(org.id, client=me, limit=2), 200)
    assert len(first.items) == 2
    rest = _ok(list_tasks.sync_detailed(org.id, client=me, cursor=first.next_cursor), 200)
    assert len(rest.items) == 1
    assert rest.next_cursor is None

    webhook = _ok(
        _module(f"{api}.webhooks.create_webhook").sync_detailed(
            org.id,
            client=me,
            body=models.CreateWebhookRequest(
                url="http://127.0.0.1:9/hooks", events=["task.created", "task.updated"]
            ),
        ),
        201,
    )
    assert webhook.secret.startswith("whsec_")
    listed = _ok(_module(f"{api}.webhooks.list_webhooks").sync_detailed(org.id, client=me), 200)
    assert [item.id for item in listed.items] == [webhook.id]
