"""Dependency endpoints, under the waiting task."""

from collections.abc import Sequence

from taskhub.contexts.work.adapters.http.schemas import AddDependencyRequest, TaskBody, converter
from taskhub.contexts.work.adapters.http.tasks import task_body
from taskhub.contexts.work.application.dependencies import DependencyService
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.pagination import Page
from taskhub.shared_kernel.roles import Role


class DependencyEndpoints:
    def __init__(self, *, dependencies: DependencyService) -> None:
        self._dependencies = dependencies

    def list(self, call: Call[None]) -> Reply:
        blockers = self._dependencies.blockers(call.in_org, call.params["task_id"])
        # Every blocker in one page (a task has few): the page is the whole list.
        items = [task_body(t) for t in blockers]
        return Reply(body=Page(items=items, next_after=None, total=len(items)))

    def add(self, call: Call[AddDependencyRequest]) -> Reply:
        blocker = self._dependencies.add(
            call.in_org, call.params["task_id"], call.body.depends_on_id
        )
        return Reply(status=201, body=task_body(blocker))

    def remove(self, call: Call[None]) -> Reply:
        self._dependencies.remove(call.in_org, call.params["task_id"], call.params["depends_on_id"])
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        tasks = Routes.in_org(tag="tasks", converter=converter)
        return [
            tasks.get(
                "/tasks/{task_id:task}/dependencies",
                handler=self.list,
                name="list_dependencies",
                summary="Tasks this task depends on",
                role=Role.VIEWER,
                response=TaskBody,
                paginated=True,
            ),
            tasks.post(
                "/tasks/{task_id:task}/dependencies",
                handler=self.add,
                body=AddDependencyRequest,
                name="add_dependency",
                summary="Depend on another task",
                role=Role.MEMBER,
                response=TaskBody,
                status=201,
                errors=(409,),
            ),
            tasks.delete(
                "/tasks/{task_id:task}/dependencies/{depends_on_id:uuid}",
                handler=self.remove,
                name="remove_dependency",
                summary="Stop depending on a task",
                role=Role.MEMBER,
                status=204,
            ),
        ]
