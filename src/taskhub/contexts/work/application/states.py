"""A project's workflow states: read by everyone, shaped by admins.

Every write locks the project first, so the rule that a project keeps a todo and a done
state holds under any concurrency: two deletes of the last two done states queue, and
the second sees the first.
"""

import uuid
from collections.abc import Sequence

import attrs

from taskhub.contexts.work.application.ports import WorkUnitOfWork
from taskhub.contexts.work.application.projects import project_not_found
from taskhub.contexts.work.domain.errors import BlockedByDependencies, StateInUse
from taskhub.contexts.work.domain.state import State
from taskhub.contexts.work.domain.values import TaskStatus
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.concurrency import load_for_write
from taskhub.shared_kernel.errors import NotFound, ValidationFailed
from taskhub.shared_kernel.in_memory_pages import KeyOrder, KeyTerm, keyset_page
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen(kw_only=True)
class NewState:
    name: str
    category: TaskStatus
    color: str | None = None
    position: int | None = None
    """None: after the project's last state."""


@attrs.frozen(kw_only=True)
class ChangeState:
    name: str | None = None
    category: TaskStatus | None = None
    color: str | None = None
    position: int | None = None
    expected_version: int | None = None


_BOARD_ORDER: KeyOrder[State] = KeyOrder(
    terms=(KeyTerm(int), KeyTerm(uuid.UUID)), values=lambda s: (s.position, s.id)
)


def state_not_found() -> NotFound:
    return NotFound("The state was not found.")


class StateService:
    def __init__(self, *, uow: UnitOfWorkFactory[WorkUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def page(self, actor: Actor, project_id: uuid.UUID, page: PageRequest) -> Page[State]:
        """A project has a handful of states: read together, paged by board order."""
        with self._uow(read_only=True) as uow:
            if uow.projects.get(actor.org_id, project_id) is None:
                raise project_not_found()
            states = uow.states.of_project(actor.org_id, project_id)
        return keyset_page(states, page, _BOARD_ORDER)

    def create(self, actor: Actor, project_id: uuid.UUID, command: NewState) -> State:
        with self._uow() as uow:
            siblings = self._lock_project(uow, actor, project_id)
            position = command.position
            if position is None:
                position = max((s.position for s in siblings), default=-1) + 1
            state = State.create(
                org_id=actor.org_id,
                project_id=project_id,
                name=command.name,
                category=command.category,
                color=command.color,
                position=position,
                now=self._clock.now(),
            )
            uow.states.add_all([state])
            uow.track(state)
            uow.commit()
        return state

    def change(
        self, actor: Actor, project_id: uuid.UUID, state_id: uuid.UUID, command: ChangeState
    ) -> State:
        with self._uow() as uow:
            siblings = self._lock_project(uow, actor, project_id)
            state = self._for_write(uow, actor, project_id, state_id, command.expected_version)
            if (
                command.category is not None
                and command.category is not state.category
                and uow.states.holds_tasks(actor.org_id, state.id)
            ):
                raise StateInUse("Tasks are in this state: move them before changing its category.")
            changed = state.change(
                name=command.name,
                category=command.category,
                color=command.color,
                position=command.position,
                siblings=siblings,
                now=self._clock.now(),
            )
            if changed:
                uow.states.update(state)
                uow.track(state)
                uow.commit()
        return state

    def delete(
        self,
        actor: Actor,
        project_id: uuid.UUID,
        state_id: uuid.UUID,
        *,
        move_to: uuid.UUID | None,
        expected_version: int | None,
    ) -> None:
        with self._uow() as uow:
            siblings = self._lock_project(uow, actor, project_id)
            state = self._for_write(uow, actor, project_id, state_id, expected_version)
            target = None
            if move_to is not None:
                target = next((s for s in siblings if s.id == move_to and s.id != state.id), None)
                if target is None:
                    raise ValidationFailed.single(
                        "move_to", "must be another state of the same project"
                    )
            now = self._clock.now()
            state.delete(siblings, now)
            if uow.states.holds_tasks(actor.org_id, state.id):
                if target is None:
                    raise StateInUse()
                if (
                    target.category is TaskStatus.DONE
                    and state.category is not TaskStatus.DONE
                    and uow.states.blocks_done(actor.org_id, state.id)
                ):
                    raise BlockedByDependencies()
                uow.states.move_tasks(actor.org_id, state.id, target, now)
            uow.states.update(state)
            uow.track(state)
            uow.commit()

    @staticmethod
    def _lock_project(uow: WorkUnitOfWork, actor: Actor, project_id: uuid.UUID) -> Sequence[State]:
        """Lock the project (its states' writes queue on it); its live states."""
        if uow.projects.get(actor.org_id, project_id, for_update=True) is None:
            raise project_not_found()
        return uow.states.of_project(actor.org_id, project_id)

    @staticmethod
    def _for_write(
        uow: WorkUnitOfWork,
        actor: Actor,
        project_id: uuid.UUID,
        state_id: uuid.UUID,
        expected_version: int | None,
    ) -> State:
        state = load_for_write(
            lambda deleted: uow.states.get(
                actor.org_id, state_id, include_deleted=deleted, for_update=True
            ),
            expected_version,
            state_not_found,
        )
        if state.project_id != project_id:
            raise state_not_found()
        return state
