"""`taskhub seed --demo`: an empty database filled with a team to try taskhub with.

Everything is made through the application's own use cases, so the demo data obeys
every rule (gap-free numbers, audit entries, events) exactly as data made over HTTP
would. It refuses a database that has any account: it is for a fresh install, never
for one in use. The two passwords are random and printed once.
"""

import random
import secrets
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from taskhub.contexts.identity.application.accounts import Register
from taskhub.contexts.tenancy.domain.team import TeamRole
from taskhub.contexts.work.application.task_commands import CreateTask
from taskhub.contexts.work.domain.values import Priority, ProjectStatus, TaskStatus
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role

OWNER_EMAIL = "admin@example.com"
MEMBER_EMAIL = "member@example.com"
ORG_SLUG = "demo"
PROJECTS = (
    ("WEB", "Website", "The public site and the sign-up flow."),
    ("API", "Platform API", "The HTTP API partners build on."),
    ("OPS", "Operations", "Deploys, alerts and the on-call rota."),
)
LABELS = (("bug", "#d73a4a"), ("feature", "#0e8a16"), ("chore", "#c5def5"), ("urgent", "#b60205"))
TASKS_PER_PROJECT = 100
BATCH = 50
VERBS = ("Fix", "Write", "Review", "Ship", "Design", "Measure", "Document", "Refactor")
THINGS = ("login page", "rate limits", "invoice export", "search box", "onboarding email",
          "dashboard", "webhook retries", "audit view", "backup job", "error pages")  # fmt: skip


class DatabaseInUse(Exception):
    """The database already has accounts."""


class ProgressBar:
    """One line on stderr, redrawn in place: `[#####-----] 150/300 tasks`."""

    def __init__(self, total: int, label: str, out: TextIO = sys.stderr, width: int = 30) -> None:
        self._total = total
        self._label = label
        self._out = out
        self._width = width
        self._done = 0

    def advance(self, steps: int = 1) -> None:
        self._done = min(self._total, self._done + steps)
        filled = self._width * self._done // self._total
        bar = "#" * filled + "-" * (self._width - filled)
        self._out.write(f"\r[{bar}] {self._done}/{self._total} {self._label}")
        if self._done == self._total:
            self._out.write("\n")
        self._out.flush()


def _say(message: str) -> None:
    print(f"taskhub: {message}", file=sys.stderr, flush=True)


def seed_demo(container: Any, *, rng: random.Random | None = None) -> dict[str, str]:
    """Fill the empty database; the demo accounts' emails and passwords."""
    rng = rng or random.Random()  # noqa: S311 - demo content, not secrets
    identity, tenancy, work = container.identity, container.tenancy, container.work
    if identity.staff().search(None, None, PageRequest(limit=1)).items:
        raise DatabaseInUse()

    _say("creating the demo accounts and organization")
    passwords = {OWNER_EMAIL: _password(), MEMBER_EMAIL: _password()}
    accounts = identity.accounts()
    owner = accounts.register(
        Register(email=OWNER_EMAIL, password=passwords[OWNER_EMAIL], name="Ada Admin",
                 email_proven=True)
    ).user  # fmt: skip
    member = accounts.register(
        Register(email=MEMBER_EMAIL, password=passwords[MEMBER_EMAIL], name="Max Member",
                 email_proven=True)
    ).user  # fmt: skip
    org = tenancy.organizations().found(owner.id, name="Demo Company", slug=ORG_SLUG)
    actor = Actor(
        principal=Principal(kind=PrincipalKind.USER, user_id=owner.id),
        org_id=org.id,
        role=Role.OWNER,
    )
    tenancy.members().add(actor, email=MEMBER_EMAIL, role=Role.MEMBER)
    team = tenancy.teams().create(actor, name="Core", description="Everyone on the demo team.")
    tenancy.teams().put_member(actor, team.id, owner.id, TeamRole.LEAD)
    labels = [work.labels().create(actor, name=n, color=c).id for n, c in LABELS]
    projects = [
        work.projects().create(
            actor, key=key, name=name, description=text, status=ProjectStatus.ACTIVE
        )
        for key, name, text in PROJECTS
    ]

    people = [owner.id, member.id]
    bar = ProgressBar(len(projects) * TASKS_PER_PROJECT, "tasks")
    now = datetime.now(UTC)
    for project in projects:
        created: list[Any] = []
        for start in range(0, TASKS_PER_PROJECT, BATCH):
            operations = [
                CreateTask(**_task_fields(rng, project.id, people, labels, now))
                for _ in range(start, min(start + BATCH, TASKS_PER_PROJECT))
            ]
            results = work.tasks().batch(actor, operations)
            created.extend(r.task for r in results)
            bar.advance(len(operations))
        _link(work, actor, rng, [t for t in created if t.status is TaskStatus.TODO])
        for task in rng.sample(created, k=len(created) // 4):
            work.comments().write(actor, task.id, rng.choice(COMMENTS))
    return passwords


COMMENTS = (
    "Looks good to me.",
    "I can pick this up next week.",
    "Blocked on the design review.",
    "Added a test that shows the problem.",
    "Shipped behind a flag.",
)


def _password() -> str:
    # Letters and digits, as the password rule asks; 16 characters of a CSPRNG.
    return secrets.token_urlsafe(12) + "a1"


def _task_fields(
    rng: random.Random,
    project_id: Any,
    people: Sequence[Any],
    labels: Sequence[Any],
    now: datetime,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "project_id": project_id,
        "title": f"{rng.choice(VERBS)} the {rng.choice(THINGS)}",
        "description": "Made by `taskhub seed --demo`.",
        "status": rng.choice(list(TaskStatus)),
        "priority": rng.choice(list(Priority)),
        "assignee_ids": rng.sample(list(people), k=rng.randint(0, len(people))),
        "label_ids": rng.sample(list(labels), k=rng.randint(0, 2)),
    }
    if rng.random() < 0.5:
        fields["due_at"] = now + timedelta(days=rng.randint(-5, 30))
    return fields


def _link(work: Any, actor: Actor, rng: random.Random, open_tasks: Sequence[Any]) -> None:
    """Dependencies between open tasks, each on an earlier one: never a cycle."""
    dependencies = work.task_dependencies()
    for later in range(1, len(open_tasks)):
        if rng.random() < 0.3:
            earlier = open_tasks[rng.randrange(later)]
            dependencies.add(actor, open_tasks[later].id, earlier.id)
