"""Cycle and milestone endpoints, under their project; both show their progress."""

from collections.abc import Sequence

from taskhub.contexts.work.adapters.http.pages import page_reply
from taskhub.contexts.work.adapters.http.planning_schemas import (
    CompleteCycleRequest,
    CreateCycleRequest,
    CreateMilestoneRequest,
    CycleBody,
    MilestoneBody,
    ProgressBody,
    UpdateCycleRequest,
    UpdateMilestoneRequest,
)
from taskhub.contexts.work.adapters.http.schemas import converter
from taskhub.contexts.work.application.cycles import ChangeCycle, CycleService, CycleWithProgress
from taskhub.contexts.work.application.milestones import (
    ChangeMilestone,
    MilestoneService,
    MilestoneWithProgress,
)
from taskhub.contexts.work.application.planning_ports import Progress
from taskhub.contexts.work.domain.values import KEEP
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.roles import Role

CYCLES = "/projects/{project_id:uuid}/cycles"
CYCLE = CYCLES + "/{cycle_id:uuid}"
MILESTONES = "/projects/{project_id:uuid}/milestones"
MILESTONE = MILESTONES + "/{milestone_id:uuid}"


def progress_body(progress: Progress) -> ProgressBody:
    return ProgressBody(
        tasks=progress.tasks,
        done=progress.done,
        points=progress.points,
        points_done=progress.points_done,
    )


def cycle_body(found: CycleWithProgress) -> CycleBody:
    cycle = found.cycle
    return CycleBody(
        id=cycle.id,
        project_id=cycle.project_id,
        name=cycle.name,
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        completed_at=cycle.completed_at,
        progress=progress_body(found.progress),
        version=cycle.version,
    )


def milestone_body(found: MilestoneWithProgress) -> MilestoneBody:
    milestone = found.milestone
    return MilestoneBody(
        id=milestone.id,
        project_id=milestone.project_id,
        name=milestone.name,
        description=milestone.description,
        due_on=milestone.due_on,
        progress=progress_body(found.progress),
        version=milestone.version,
    )


class CycleEndpoints:
    def __init__(self, *, cycles: CycleService) -> None:
        self._cycles = cycles

    def list(self, call: Call[None]) -> Reply:
        return page_reply(
            self._cycles.page(call.in_org, call.params["project_id"], call.page), cycle_body
        )

    def create(self, call: Call[CreateCycleRequest]) -> Reply:
        body = call.body
        found = self._cycles.create(
            call.in_org,
            call.params["project_id"],
            name=body.name,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
        )
        return Reply(status=201, body=cycle_body(found))

    def get(self, call: Call[None]) -> Reply:
        found = self._cycles.get(call.in_org, call.params["project_id"], call.params["cycle_id"])
        return Reply(body=cycle_body(found))

    def update(self, call: Call[UpdateCycleRequest]) -> Reply:
        body = call.body
        body.changes()
        command = ChangeCycle(
            name=body.name,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            expected_version=call.if_match,
        )
        found = self._cycles.change(
            call.in_org, call.params["project_id"], call.params["cycle_id"], command
        )
        return Reply(body=cycle_body(found))

    def complete(self, call: Call[CompleteCycleRequest | None]) -> Reply:
        move_open_to = call.body.move_open_to if call.body is not None else None
        found = self._cycles.complete(
            call.in_org, call.params["project_id"], call.params["cycle_id"], move_open_to
        )
        return Reply(body=cycle_body(found))

    def delete(self, call: Call[None]) -> Reply:
        self._cycles.delete(
            call.in_org, call.params["project_id"], call.params["cycle_id"], call.if_match
        )
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        routes = Routes.in_org(tag="planning", converter=converter)
        return [
            routes.get(
                CYCLES,
                handler=self.list,
                name="list_cycles",
                summary="A project's cycles, by start date",
                role=Role.VIEWER,
                response=CycleBody,
                paginated=True,
            ),
            routes.post(
                CYCLES,
                handler=self.create,
                body=CreateCycleRequest,
                name="create_cycle",
                summary="Plan a cycle",
                role=Role.ADMIN,
                response=CycleBody,
                status=201,
                errors=(409,),
                description="Cycles of a project never overlap (409 cycle_overlap).",
            ),
            routes.get(
                CYCLE,
                handler=self.get,
                name="get_cycle",
                summary="A cycle and its progress",
                role=Role.VIEWER,
                response=CycleBody,
            ),
            routes.patch(
                CYCLE,
                handler=self.update,
                body=UpdateCycleRequest,
                name="update_cycle",
                summary="Change a cycle",
                role=Role.ADMIN,
                response=CycleBody,
                errors=(409,),
            ),
            routes.delete(
                CYCLE,
                handler=self.delete,
                name="delete_cycle",
                summary="Delete a cycle",
                role=Role.ADMIN,
                status=204,
            ),
            routes.post(
                CYCLE + "/complete",
                handler=self.complete,
                optional_body=CompleteCycleRequest,
                name="complete_cycle",
                summary="Complete a cycle, moving its open tasks on",
                role=Role.ADMIN,
                response=CycleBody,
                errors=(409,),
            ),
        ]


class MilestoneEndpoints:
    def __init__(self, *, milestones: MilestoneService) -> None:
        self._milestones = milestones

    def list(self, call: Call[None]) -> Reply:
        page = self._milestones.page(call.in_org, call.params["project_id"], call.page)
        return page_reply(page, milestone_body)

    def create(self, call: Call[CreateMilestoneRequest]) -> Reply:
        body = call.body
        found = self._milestones.create(
            call.in_org,
            call.params["project_id"],
            name=body.name,
            description=body.description,
            due_on=body.due_on,
        )
        return Reply(status=201, body=milestone_body(found))

    def get(self, call: Call[None]) -> Reply:
        found = self._milestones.get(
            call.in_org, call.params["project_id"], call.params["milestone_id"]
        )
        return Reply(body=milestone_body(found))

    def update(self, call: Call[UpdateMilestoneRequest]) -> Reply:
        body = call.body
        sent = body.changes()
        command = ChangeMilestone(
            name=body.name,
            description=body.description,
            due_on=body.due_on if "due_on" in sent else KEEP,
            expected_version=call.if_match,
        )
        found = self._milestones.change(
            call.in_org, call.params["project_id"], call.params["milestone_id"], command
        )
        return Reply(body=milestone_body(found))

    def delete(self, call: Call[None]) -> Reply:
        self._milestones.delete(
            call.in_org, call.params["project_id"], call.params["milestone_id"], call.if_match
        )
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        routes = Routes.in_org(tag="planning", converter=converter)
        return [
            routes.get(
                MILESTONES,
                handler=self.list,
                name="list_milestones",
                summary="A project's milestones, oldest first",
                role=Role.VIEWER,
                response=MilestoneBody,
                paginated=True,
            ),
            routes.post(
                MILESTONES,
                handler=self.create,
                body=CreateMilestoneRequest,
                name="create_milestone",
                summary="Add a milestone",
                role=Role.ADMIN,
                response=MilestoneBody,
                status=201,
            ),
            routes.get(
                MILESTONE,
                handler=self.get,
                name="get_milestone",
                summary="A milestone and its progress",
                role=Role.VIEWER,
                response=MilestoneBody,
            ),
            routes.patch(
                MILESTONE,
                handler=self.update,
                body=UpdateMilestoneRequest,
                name="update_milestone",
                summary="Change a milestone",
                role=Role.ADMIN,
                response=MilestoneBody,
            ),
            routes.delete(
                MILESTONE,
                handler=self.delete,
                name="delete_milestone",
                summary="Delete a milestone",
                role=Role.ADMIN,
                status=204,
            ),
        ]
