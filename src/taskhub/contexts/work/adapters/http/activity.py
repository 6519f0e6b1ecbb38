"""A task's activity: its entries in the organization's audit log, asked of audit."""

from collections.abc import Sequence

from taskhub.contexts.audit.public import AuditEntryView, EntityHistory
from taskhub.contexts.work.adapters.http.pages import page_reply
from taskhub.contexts.work.adapters.http.schemas import ActivityBody, converter
from taskhub.contexts.work.application.tasks import TaskService
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.roles import Role


def activity_body(entry: AuditEntryView, *, reveal_origin: bool) -> ActivityBody:
    return ActivityBody(
        id=entry.id,
        occurred_at=entry.occurred_at,
        actor_type=str(entry.actor_type),
        actor_id=entry.actor_id,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        changes={field: list(pair) for field, pair in entry.changes.items()},
        ip=entry.ip if reveal_origin else None,
        user_agent=entry.user_agent if reveal_origin else None,
        request_id=entry.request_id,
    )


class ActivityEndpoints:
    def __init__(self, *, tasks: TaskService, history: EntityHistory) -> None:
        self._tasks = tasks
        self._history = history

    def of_task(self, call: Call[None]) -> Reply:
        task = self._tasks.get(call.in_org, call.params["task_id"])
        page = self._history.history(call.in_org.org_id, "task", task.id, call.page)
        admin = call.in_org.role.at_least(Role.ADMIN)
        return page_reply(page, lambda entry: activity_body(entry, reveal_origin=admin))

    def endpoints(self) -> Sequence[Endpoint]:
        tasks = Routes.in_org(tag="tasks", converter=converter)
        return [
            tasks.get(
                "/tasks/{task_id:task}/activity",
                handler=self.of_task,
                name="task_activity",
                summary="The task's audit entries, newest first",
                role=Role.VIEWER,
                response=ActivityBody,
                paginated=True,
            ),
        ]
