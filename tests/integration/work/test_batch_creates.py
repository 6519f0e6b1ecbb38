"""A batch of creates is numbered, audited and published exactly as the same creates one
by one would be, on SQLite and PostgreSQL: its numbers gap-free and in operation order per
project (a batch may mix projects), its audit entries chained in operation order, its
outbox rows in operation order, and a failure anywhere leaves nothing, numbers included.
"""

import itertools
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.audit.adapters.sql.unit_of_work import SqlAuditUnitOfWork
from taskhub.contexts.audit.application.ports import AuditFilter
from taskhub.contexts.audit.domain.chain import verify_chain
from taskhub.contexts.audit.domain.entry import AuditEntry
from taskhub.contexts.audit.domain.keys import ChainKey
from taskhub.contexts.work.adapters.sql.tables import states
from taskhub.contexts.work.application.task_batches import BatchOperation, BatchUpdate
from taskhub.contexts.work.application.task_commands import ChangeTask, CreateTask
from taskhub.contexts.work.application.tasks import TaskService
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import Priority, ProjectStatus
from taskhub.platform.messaging.tables import outbox
from taskhub.shared_kernel.errors import ValidationFailed
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.integration.conftest import TEST_CHAIN_KEYS, container_for


class World:
    """An organization with two projects, a label and one task already in ENG."""

    def __init__(self, container: ApplicationContainer) -> None:
        owner = uuid.uuid4()
        self.slug = f"batch-{uuid.uuid4().hex[:12]}"
        org = container.tenancy.organizations().found(owner, name="Batch", slug=self.slug)
        self.owner = owner
        self.actor = Actor(Principal(kind=PrincipalKind.USER, user_id=owner), org.id, Role.OWNER)
        projects = container.work.projects()
        self.eng, self.ops = (
            projects.create(
                self.actor, key=key, name=key, description="", status=ProjectStatus.ACTIVE
            ).id
            for key in ("ENG", "OPS")
        )
        self.label = container.work.labels().create(self.actor, name="bug", color="#1f6feb").id
        self.tasks: TaskService = container.work.tasks()
        self.existing = self.tasks.create(self.actor, CreateTask(project_id=self.eng, title="Old"))

    def operations(self) -> list[BatchOperation]:
        """Creates in both projects, interleaved, with sets, and an update in between."""

        def create(project_id: uuid.UUID, title: str, **fields: Any) -> BatchOperation:
            return CreateTask(project_id=project_id, title=title, **fields)

        return [
            create(self.eng, "e1", priority=Priority.HIGH, assignee_ids=[self.owner]),
            create(self.ops, "o1", label_ids=[self.label]),
            create(self.eng, "e2", description="second"),
            BatchUpdate(task_id=self.existing.id, change=ChangeTask(title="Renamed")),
            create(self.ops, "o2", assignee_ids=[self.owner], label_ids=[self.label]),
            create(self.eng, "e3"),
        ]

    def one_by_one(self, operations: list[BatchOperation]) -> list[Task]:
        done = []
        for operation in operations:
            if isinstance(operation, CreateTask):
                done.append(self.tasks.create(self.actor, operation))
            else:
                assert isinstance(operation, BatchUpdate)
                done.append(self.tasks.change(self.actor, operation.task_id, operation.change))
        return done

    def batch(self, operations: list[BatchOperation]) -> list[Task]:
        results = self.tasks.batch(self.actor, operations)
        return [r.task for r in results if r.task is not None]


def chain_of(engine: Engine, world: World) -> list[AuditEntry]:
    with SqlAuditUnitOfWork(engine, read_only=True) as uow:
        key = ChainKey.org(world.actor.org_id)
        entries = list(uow.entries.chain(key))
        head = uow.entries.head(key)
        assert verify_chain(entries, TEST_CHAIN_KEYS, head=head).valid
        # The listing reads the same entries back, newest first.
        listed = uow.entries.page(key, AuditFilter(), PageRequest(limit=100)).items
        assert [e.id for e in listed] == [e.id for e in reversed(entries)]
    return entries


def outbox_of(engine: Engine, world: World) -> list[Any]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.select(outbox)
                .where(outbox.c.org_id == world.actor.org_id)
                .order_by(outbox.c.position)
            )
        )


def by_key(engine: Engine, world: World, tasks: list[Task]) -> dict[str, str]:
    """Names for the ids of one world, so two worlds can be compared."""
    names = {str(t.id): t.key for t in tasks}
    projects = {world.eng: "ENG", world.ops: "OPS"}
    with engine.connect() as connection:
        for state in connection.execute(
            sa.select(states.c.id, states.c.project_id, states.c.position).where(
                states.c.org_id == world.actor.org_id
            )
        ):
            names[str(state.id)] = f"{projects.get(state.project_id, '?')}-state-{state.position}"
    names.update(
        {
            str(world.existing.id): "existing",
            str(world.eng): "ENG",
            str(world.ops): "OPS",
            str(world.label): "label",
            str(world.owner): "owner",
            str(world.actor.org_id): "org",
            world.slug: "slug",
        }
    )
    return names


def renamed(value: Any, names: dict[str, str]) -> Any:
    """`value` with the world's ids replaced by their names and times left out."""
    if isinstance(value, dict):
        return {
            k: renamed(v, names)
            for k, v in value.items()
            if k not in ("created_at", "updated_at", "occurred_at")
        }
    if isinstance(value, list | tuple):
        return [renamed(v, names) for v in value]
    if isinstance(value, uuid.UUID):
        value = str(value)
    return names.get(value, value) if isinstance(value, str) else value


def audit_view(entries: list[AuditEntry], names: dict[str, str]) -> list[Any]:
    return [
        (
            e.seq,
            e.action,
            e.entity_type,
            renamed(e.entity_id, names),
            renamed(dict(e.changes), names),
            renamed(e.actor_id, names),
        )
        for e in entries
    ]


def outbox_view(rows: list[Any], names: dict[str, str]) -> list[Any]:
    return [
        (
            row.event_type,
            renamed(row.ordering_key, names),
            renamed(row.org_id, names),
            renamed(row.payload, names),
        )
        for row in rows
    ]


def test_a_batch_is_numbered_audited_and_published_as_one_by_one(
    container: ApplicationContainer, engine: Engine
) -> None:
    batched, single = World(container), World(container)
    in_batch = batched.batch(batched.operations())
    alone = single.one_by_one(single.operations())

    created = [t for t in in_batch if t.id != batched.existing.id]
    assert [(t.title, t.key) for t in created] == [
        ("e1", "ENG-2"),
        ("o1", "OPS-1"),
        ("e2", "ENG-3"),
        ("o2", "OPS-2"),
        ("e3", "ENG-4"),
    ]
    assert [t.key for t in in_batch] == [t.key for t in alone]
    for task in in_batch:
        assert batched.tasks.get(batched.actor, task.id) == task

    names_b, names_s = by_key(engine, batched, in_batch), by_key(engine, single, alone)
    entries_b, entries_s = chain_of(engine, batched), chain_of(engine, single)
    assert audit_view(entries_b, names_b) == audit_view(entries_s, names_s)
    # The batch's entries are the last ones, in operation order.
    assert [e.entity_id for e in entries_b[-len(in_batch) :]] == [t.id for t in in_batch]
    # Chained in one transaction: each links to the one before it.
    for before, after in itertools.pairwise(entries_b):
        assert (after.seq, after.prev_hash) == (before.seq + 1, before.hash)

    rows_b, rows_s = outbox_of(engine, batched), outbox_of(engine, single)
    assert outbox_view(rows_b, names_b) == outbox_view(rows_s, names_s)
    assert [row.ordering_key for row in rows_b[-len(in_batch) :]] == [str(t.id) for t in in_batch]
    assert [row.payload["key"] for row in rows_b[-len(in_batch) :]] == [t.key for t in in_batch]

    # The counters went on from where the batch left them.
    assert (
        batched.tasks.create(batched.actor, CreateTask(project_id=batched.eng, title="n")).number
        == 5
    )
    assert (
        batched.tasks.create(batched.actor, CreateTask(project_id=batched.ops, title="n")).number
        == 3
    )


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"title": "   "}, "operations[4].title"),
        ({"label_ids": [uuid.uuid4()]}, "operations[4].label_ids"),
        ({"project_id": uuid.uuid4()}, "operations[4].project_id"),
    ],
)
def test_a_failing_create_late_in_a_batch_leaves_nothing_not_even_numbers(
    container: ApplicationContainer, engine: Engine, bad: dict[str, Any], field: str
) -> None:
    world = World(container)
    operations = world.operations()
    failing = operations[4]
    assert isinstance(failing, CreateTask)
    operations[4] = attrs.evolve(failing, **bad)
    chain_before, outbox_before = chain_of(engine, world), outbox_of(engine, world)
    with pytest.raises(ValidationFailed) as raised:
        world.batch(operations)
    assert [e.field for e in raised.value.errors] == [field]

    assert chain_of(engine, world) == chain_before
    assert outbox_of(engine, world) == outbox_before
    assert world.tasks.get(world.actor, world.existing.id).title == "Old"
    again = world.batch(world.operations())
    assert [t.key for t in again if t.id != world.existing.id] == [
        "ENG-2",
        "OPS-1",
        "ENG-3",
        "OPS-2",
        "ENG-4",
    ]


def test_a_batch_of_one_create_and_of_updates_only(
    container: ApplicationContainer, engine: Engine
) -> None:
    world = World(container)
    (task,) = world.batch([CreateTask(project_id=world.ops, title="x")])
    assert task.key == "OPS-1"
    (updated,) = world.batch([BatchUpdate(task_id=task.id, change=ChangeTask(title="y"))])
    assert (updated.key, updated.title, updated.version) == ("OPS-1", "y", 2)
    assert [e.action for e in chain_of(engine, world)][-2:] == ["task.created", "task.updated"]


THREADS = 8


@pytest.mark.postgres
def test_concurrent_batches_over_two_projects_share_the_numbers_without_gaps(
    postgres_engine: Engine,
) -> None:
    # PostgreSQL only: SQLite serialises every writer.
    engine = postgres_engine
    container = container_for(engine)
    world = World(container)
    entries_before = len(chain_of(engine, world))
    barrier = threading.Barrier(THREADS)

    def batch(i: int) -> Callable[[], list[Task]]:
        def run() -> list[Task]:
            operations = [
                CreateTask(project_id=world.eng if j % 3 else world.ops, title=f"{i}.{j}")
                for j in range(10)
            ]
            barrier.wait(timeout=30)
            return world.batch(operations)

        return run

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = [f.result() for f in [pool.submit(batch(i)) for i in range(THREADS)]]
    eng = sorted(t.number for r in results for t in r if t.project_id == world.eng)
    ops = sorted(t.number for r in results for t in r if t.project_id == world.ops)
    assert eng == list(range(2, 2 + THREADS * 6))
    assert ops == list(range(1, THREADS * 4 + 1))
    for tasks in results:
        # Within a batch, each project's numbers are consecutive, in operation order.
        for project_id in (world.eng, world.ops):
            numbers = [t.number for t in tasks if t.project_id == project_id]
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    entries = chain_of(engine, world)
    assert len(entries) == entries_before + THREADS * 10
    rows = outbox_of(engine, world)
    # Every batch's outbox rows are together and in its operation order.
    positions = {row.ordering_key: i for i, row in enumerate(rows)}
    for tasks in results:
        spots = [positions[str(t.id)] for t in tasks]
        assert spots == list(range(spots[0], spots[0] + len(spots)))
