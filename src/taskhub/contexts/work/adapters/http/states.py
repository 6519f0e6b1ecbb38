"""Workflow state endpoints, under their project."""

from collections.abc import Sequence

from taskhub.contexts.work.adapters.http.pages import page_reply
from taskhub.contexts.work.adapters.http.planning_schemas import (
    CreateStateRequest,
    StateBody,
    UpdateStateRequest,
)
from taskhub.contexts.work.adapters.http.schemas import converter
from taskhub.contexts.work.application.states import ChangeState, NewState, StateService
from taskhub.contexts.work.domain.state import State
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.query import uuid_param
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.roles import Role

STATES = "/projects/{project_id:uuid}/states"
STATE = STATES + "/{state_id:uuid}"
DELETE_QUERY = (uuid_param("move_to", "A state of the same project for the state's tasks."),)


def state_body(state: State) -> StateBody:
    return StateBody(
        id=state.id,
        name=state.name,
        category=state.category,
        color=state.color,
        position=state.position,
        version=state.version,
    )


class StateEndpoints:
    def __init__(self, *, states: StateService) -> None:
        self._states = states

    def list(self, call: Call[None]) -> Reply:
        page = self._states.page(call.in_org, call.params["project_id"], call.page)
        return page_reply(page, state_body)

    def create(self, call: Call[CreateStateRequest]) -> Reply:
        body = call.body
        command = NewState(
            name=body.name, category=body.category, color=body.color, position=body.position
        )
        state = self._states.create(call.in_org, call.params["project_id"], command)
        return Reply(status=201, body=state_body(state))

    def update(self, call: Call[UpdateStateRequest]) -> Reply:
        body = call.body
        body.changes()  # a null where none may be is a 422
        command = ChangeState(
            name=body.name,
            category=body.category,
            color=body.color,
            position=body.position,
            expected_version=call.if_match,
        )
        state = self._states.change(
            call.in_org, call.params["project_id"], call.params["state_id"], command
        )
        return Reply(body=state_body(state))

    def delete(self, call: Call[None]) -> Reply:
        self._states.delete(
            call.in_org,
            call.params["project_id"],
            call.params["state_id"],
            move_to=call.query.get("move_to"),
            expected_version=call.if_match,
        )
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        routes = Routes.in_org(tag="planning", converter=converter)
        return [
            routes.get(
                STATES,
                handler=self.list,
                name="list_states",
                summary="A project's workflow states, in board order",
                role=Role.VIEWER,
                response=StateBody,
                paginated=True,
            ),
            routes.post(
                STATES,
                handler=self.create,
                body=CreateStateRequest,
                name="create_state",
                summary="Add a workflow state",
                role=Role.ADMIN,
                response=StateBody,
                status=201,
            ),
            routes.patch(
                STATE,
                handler=self.update,
                body=UpdateStateRequest,
                name="update_state",
                summary="Change a workflow state",
                role=Role.ADMIN,
                response=StateBody,
                errors=(409,),
                description="A state holding tasks keeps its category (409 state_in_use).",
            ),
            routes.delete(
                STATE,
                handler=self.delete,
                name="delete_state",
                summary="Delete a workflow state",
                role=Role.ADMIN,
                status=204,
                query=DELETE_QUERY,
                errors=(409, 422),
                description=(
                    "A state holding tasks needs `move_to` (409 state_in_use otherwise); "
                    "a project keeps a todo and a done state (409 state_required)."
                ),
            ),
        ]
