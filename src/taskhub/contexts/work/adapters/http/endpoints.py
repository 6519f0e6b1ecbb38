"""Work's endpoints: projects, tasks (one and in batches), dependencies, labels, comments,
and a task's activity."""

from collections.abc import Sequence
from typing import Any

from taskhub.contexts.audit.public import AuditEntryView, EntityHistory
from taskhub.contexts.work.adapters.http.queries import (
    PROJECT_LIST_QUERY,
    TASK_LIST_QUERY,
    project_status,
    task_filter,
)
from taskhub.contexts.work.adapters.http.schemas import (
    NULLABLE_TASK_FIELDS,
    ActivityBody,
    AddDependencyRequest,
    BatchRequest,
    BatchResponse,
    BatchResultBody,
    CommentBody,
    CommentRequest,
    CreateLabelRequest,
    CreateProjectRequest,
    CreateTaskRequest,
    LabelBody,
    ProjectBody,
    TaskBody,
    UpdateLabelRequest,
    UpdateProjectRequest,
    UpdateTaskRequest,
)
from taskhub.contexts.work.application.comments import CommentService
from taskhub.contexts.work.application.dependencies import DependencyService
from taskhub.contexts.work.application.labels import LabelService
from taskhub.contexts.work.application.projects import ProjectService
from taskhub.contexts.work.application.tasks import MAX_BATCH, BatchOperation, TaskService
from taskhub.contexts.work.domain.comment import Comment
from taskhub.contexts.work.domain.label import Label
from taskhub.contexts.work.domain.project import Project
from taskhub.contexts.work.domain.task import Task
from taskhub.platform.http.converter import make_converter, structure
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.errors import FieldError, ValidationFailed
from taskhub.shared_kernel.pagination import Page
from taskhub.shared_kernel.roles import Role

_converter = make_converter()


def project_body(project: Project) -> ProjectBody:
    return ProjectBody(
        id=project.id,
        key=project.key,
        name=project.name,
        description=project.description,
        status=project.status,
        created_at=project.created_at,
        updated_at=project.updated_at,
        version=project.version,
    )


def task_body(task: Task) -> TaskBody:
    return TaskBody(
        id=task.id,
        project_id=task.project_id,
        number=task.number,
        key=task.key,
        title=task.title,
        description=task.description,
        status=task.status,
        priority=task.priority,
        due_at=task.due_at,
        parent_id=task.parent_id,
        assignee_ids=sorted(task.assignee_ids),
        label_ids=sorted(task.label_ids),
        created_by=task.created_by,
        created_at=task.created_at,
        updated_at=task.updated_at,
        version=task.version,
    )


def label_body(label: Label) -> LabelBody:
    return LabelBody(
        id=label.id,
        name=label.name,
        color=label.color,
        created_at=label.created_at,
        updated_at=label.updated_at,
        version=label.version,
    )


def comment_body(comment: Comment) -> CommentBody:
    return CommentBody(
        id=comment.id,
        task_id=comment.task_id,
        author_id=comment.author_id,
        body=comment.body,
        created_at=comment.created_at,
        updated_at=comment.updated_at,
        version=comment.version,
    )


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


def _create_fields(body: CreateTaskRequest) -> dict[str, Any]:
    return {
        "project_id": body.project_id,
        "title": body.title,
        "description": body.description,
        "status": body.status,
        "priority": body.priority,
        "due_at": body.due_at,
        "parent_id": body.parent_id,
        "assignee_ids": body.assignee_ids,
        "label_ids": body.label_ids,
    }


def _batch_operations(body: BatchRequest) -> list[BatchOperation]:
    """Structure each operation's `data`; errors name `operations[i].<field>`."""
    if len(body.operations) > MAX_BATCH:
        raise ValidationFailed.single("operations", f"must hold at most {MAX_BATCH} operations")
    operations: list[BatchOperation] = []
    errors: list[FieldError] = []
    for index, item in enumerate(body.operations):
        prefix = f"operations[{index}]"
        if item.op in ("update", "delete") and item.id is None:
            errors.append(FieldError(f"{prefix}.id", "is required"))
            continue
        if item.op == "delete":
            operations.append(BatchOperation(op="delete", task_id=item.id))
            continue
        if item.data is None:
            errors.append(FieldError(f"{prefix}.data", "is required"))
            continue
        try:
            if item.op == "create":
                fields = _create_fields(structure(_converter, item.data, CreateTaskRequest))
            else:
                patch = structure(_converter, item.data, UpdateTaskRequest)
                fields = patch.changes(nullable=NULLABLE_TASK_FIELDS)
        except ValidationFailed as exc:
            errors.extend(FieldError(f"{prefix}.{e.field}", e.message) for e in exc.errors)
            continue
        operations.append(BatchOperation(op=item.op, task_id=item.id, fields=fields))
    if errors:
        raise ValidationFailed(errors, detail="Some operations are invalid; nothing was applied.")
    return operations


class WorkEndpoints:
    def __init__(
        self,
        *,
        projects: ProjectService,
        tasks: TaskService,
        dependencies: DependencyService,
        labels: LabelService,
        comments: CommentService,
        history: EntityHistory,
    ) -> None:
        self._projects = projects
        self._tasks = tasks
        self._dependencies = dependencies
        self._labels = labels
        self._comments = comments
        self._history = history

    # projects
    def create_project(self, call: Call[CreateProjectRequest]) -> Reply:
        body = call.body
        project = self._projects.create(
            call.in_org,
            key=body.key,
            name=body.name,
            description=body.description,
            status=body.status,
        )
        return Reply(status=201, body=project_body(project))

    def list_projects(self, call: Call[None]) -> Reply:
        page = self._projects.list(call.in_org, project_status(call.query), call.page)
        return Reply(
            body=Page(items=[project_body(p) for p in page.items], next_after=page.next_after)
        )

    def get_project(self, call: Call[None]) -> Reply:
        return Reply(body=project_body(self._projects.get(call.in_org, call.params["project_id"])))

    def update_project(self, call: Call[UpdateProjectRequest]) -> Reply:
        body = call.body
        project = self._projects.change(
            call.in_org, call.params["project_id"], body.changes(), call.if_match
        )
        return Reply(body=project_body(project))

    def delete_project(self, call: Call[None]) -> Reply:
        self._projects.delete(call.in_org, call.params["project_id"], call.if_match)
        return Reply(status=204)

    def restore_project(self, call: Call[None]) -> Reply:
        return Reply(
            body=project_body(self._projects.restore(call.in_org, call.params["project_id"]))
        )

    # tasks
    def create_task(self, call: Call[CreateTaskRequest]) -> Reply:
        task = self._tasks.create(call.in_org, _create_fields(call.body))
        return Reply(status=201, body=task_body(task))

    def list_tasks(self, call: Call[None]) -> Reply:
        # Summaries have the task resource's fields and go to the encoder as they are.
        return Reply(body=self._tasks.find(call.in_org, task_filter(call.query), call.page))

    def get_task(self, call: Call[None]) -> Reply:
        return Reply(body=task_body(self._tasks.get(call.in_org, call.params["task_id"])))

    def update_task(self, call: Call[UpdateTaskRequest]) -> Reply:
        body = call.body
        task = self._tasks.change(
            call.in_org,
            call.params["task_id"],
            body.changes(nullable=NULLABLE_TASK_FIELDS),
            call.if_match,
        )
        return Reply(body=task_body(task))

    def delete_task(self, call: Call[None]) -> Reply:
        self._tasks.delete(call.in_org, call.params["task_id"], call.if_match)
        return Reply(status=204)

    def restore_task(self, call: Call[None]) -> Reply:
        return Reply(body=task_body(self._tasks.restore(call.in_org, call.params["task_id"])))

    def batch(self, call: Call[BatchRequest]) -> Reply:
        results = self._tasks.batch(call.in_org, _batch_operations(call.body))
        return Reply(
            body=BatchResponse(
                results=[
                    BatchResultBody(
                        op=r.op, id=r.task_id, task=task_body(r.task) if r.task else None
                    )
                    for r in results
                ]
            )
        )

    def activity(self, call: Call[None]) -> Reply:
        task = self._tasks.get(call.in_org, call.params["task_id"])
        page = self._history.history(call.in_org.org_id, "task", task.id, call.page)
        admin = call.in_org.role.at_least(Role.ADMIN)
        items = [activity_body(e, reveal_origin=admin) for e in page.items]
        return Reply(body=Page(items=items, next_after=page.next_after))

    # dependencies
    def list_dependencies(self, call: Call[None]) -> Reply:
        blockers = self._dependencies.blockers(call.in_org, call.params["task_id"])
        return Reply(body=Page(items=[task_body(t) for t in blockers], next_after=None))

    def add_dependency(self, call: Call[AddDependencyRequest]) -> Reply:
        body = call.body
        blocker = self._dependencies.add(call.in_org, call.params["task_id"], body.depends_on_id)
        return Reply(status=201, body=task_body(blocker))

    def remove_dependency(self, call: Call[None]) -> Reply:
        self._dependencies.remove(call.in_org, call.params["task_id"], call.params["depends_on_id"])
        return Reply(status=204)

    # comments
    def list_comments(self, call: Call[None]) -> Reply:
        page = self._comments.list(call.in_org, call.params["task_id"], call.page)
        return Reply(
            body=Page(items=[comment_body(c) for c in page.items], next_after=page.next_after)
        )

    def write_comment(self, call: Call[CommentRequest]) -> Reply:
        body = call.body
        comment = self._comments.write(call.in_org, call.params["task_id"], body.body)
        return Reply(status=201, body=comment_body(comment))

    def edit_comment(self, call: Call[CommentRequest]) -> Reply:
        body = call.body
        comment = self._comments.edit(
            call.in_org, call.params["task_id"], call.params["comment_id"], body.body, call.if_match
        )
        return Reply(body=comment_body(comment))

    def delete_comment(self, call: Call[None]) -> Reply:
        self._comments.delete(
            call.in_org, call.params["task_id"], call.params["comment_id"], call.if_match
        )
        return Reply(status=204)

    # labels
    def list_labels(self, call: Call[None]) -> Reply:
        page = self._labels.list(call.in_org, call.page)
        return Reply(
            body=Page(items=[label_body(lb) for lb in page.items], next_after=page.next_after)
        )

    def create_label(self, call: Call[CreateLabelRequest]) -> Reply:
        body = call.body
        label = self._labels.create(call.in_org, name=body.name, color=body.color)
        return Reply(status=201, body=label_body(label))

    def update_label(self, call: Call[UpdateLabelRequest]) -> Reply:
        body = call.body
        label = self._labels.change(
            call.in_org, call.params["label_id"], body.changes(), call.if_match
        )
        return Reply(body=label_body(label))

    def delete_label(self, call: Call[None]) -> Reply:
        self._labels.delete(call.in_org, call.params["label_id"], call.if_match)
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        projects = Routes.in_org(tag="projects", converter=_converter)
        tasks = Routes.in_org(tag="tasks", converter=_converter)
        comments = Routes.in_org(tag="comments", converter=_converter)
        labels = Routes.in_org(tag="labels", converter=_converter)
        return [
            projects.post(
                "/projects",
                handler=self.create_project,
                body=CreateProjectRequest,
                name="create_project",
                summary="Create a project",
                role=Role.ADMIN,
                response=ProjectBody,
                status=201,
                errors=(409,),
            ),
            projects.get(
                "/projects",
                handler=self.list_projects,
                name="list_projects",
                summary="Projects (filter: status)",
                role=Role.VIEWER,
                response=ProjectBody,
                paginated=True,
                query=PROJECT_LIST_QUERY,
            ),
            projects.get(
                "/projects/{project_id:uuid}",
                handler=self.get_project,
                name="get_project",
                summary="A project",
                role=Role.VIEWER,
                response=ProjectBody,
            ),
            projects.patch(
                "/projects/{project_id:uuid}",
                handler=self.update_project,
                body=UpdateProjectRequest,
                name="update_project",
                summary="Change a project",
                role=Role.ADMIN,
                response=ProjectBody,
                errors=(409,),
            ),
            projects.delete(
                "/projects/{project_id:uuid}",
                handler=self.delete_project,
                name="delete_project",
                summary="Delete a project (soft)",
                role=Role.ADMIN,
                status=204,
            ),
            projects.post(
                "/projects/{project_id:uuid}/restore",
                handler=self.restore_project,
                name="restore_project",
                summary="Restore a project",
                role=Role.ADMIN,
                response=ProjectBody,
            ),
            tasks.post(
                "/tasks",
                handler=self.create_task,
                body=CreateTaskRequest,
                name="create_task",
                summary="Create a task",
                role=Role.MEMBER,
                response=TaskBody,
                status=201,
                errors=(409,),
            ),
            tasks.get(
                "/tasks",
                handler=self.list_tasks,
                name="list_tasks",
                summary="Tasks, filtered and sorted",
                role=Role.VIEWER,
                response=TaskBody,
                paginated=True,
                query=TASK_LIST_QUERY,
                description=(
                    "Filters: project_id, status (repeatable), priority (repeatable), "
                    "assignee_id, label_id, parent_id, due_before, due_after, q (full "
                    "text over title and description), sort (created_at, -created_at "
                    "(default), due_at, -due_at, priority, -priority, updated_at, "
                    "-updated_at; ties by id; tasks without due_at last)."
                ),
            ),
            tasks.post(
                "/tasks/batch",
                handler=self.batch,
                body=BatchRequest,
                name="batch_tasks",
                summary="Apply up to 100 operations, all or nothing",
                role=Role.MEMBER,
                response=BatchResponse,
                errors=(404, 409),
            ),
            tasks.get(
                "/tasks/{task_id:uuid}",
                handler=self.get_task,
                name="get_task",
                summary="A task",
                role=Role.VIEWER,
                response=TaskBody,
            ),
            tasks.patch(
                "/tasks/{task_id:uuid}",
                handler=self.update_task,
                body=UpdateTaskRequest,
                name="update_task",
                summary="Change a task",
                role=Role.MEMBER,
                response=TaskBody,
                errors=(409,),
            ),
            tasks.delete(
                "/tasks/{task_id:uuid}",
                handler=self.delete_task,
                name="delete_task",
                summary="Delete a task (soft)",
                role=Role.MEMBER,
                status=204,
            ),
            tasks.post(
                "/tasks/{task_id:uuid}/restore",
                handler=self.restore_task,
                name="restore_task",
                summary="Restore a task",
                role=Role.ADMIN,
                response=TaskBody,
                errors=(409,),
            ),
            tasks.get(
                "/tasks/{task_id:uuid}/activity",
                handler=self.activity,
                name="task_activity",
                summary="The task's audit entries, newest first",
                role=Role.VIEWER,
                response=ActivityBody,
                paginated=True,
            ),
            tasks.get(
                "/tasks/{task_id:uuid}/dependencies",
                handler=self.list_dependencies,
                name="list_dependencies",
                summary="Tasks this task depends on",
                role=Role.VIEWER,
                response=TaskBody,
                paginated=True,
            ),
            tasks.post(
                "/tasks/{task_id:uuid}/dependencies",
                handler=self.add_dependency,
                body=AddDependencyRequest,
                name="add_dependency",
                summary="Depend on another task",
                role=Role.MEMBER,
                response=TaskBody,
                status=201,
                errors=(409,),
            ),
            tasks.delete(
                "/tasks/{task_id:uuid}/dependencies/{depends_on_id:uuid}",
                handler=self.remove_dependency,
                name="remove_dependency",
                summary="Stop depending on a task",
                role=Role.MEMBER,
                status=204,
            ),
            comments.get(
                "/tasks/{task_id:uuid}/comments",
                handler=self.list_comments,
                name="list_comments",
                summary="Comments",
                role=Role.VIEWER,
                response=CommentBody,
                paginated=True,
            ),
            comments.post(
                "/tasks/{task_id:uuid}/comments",
                handler=self.write_comment,
                body=CommentRequest,
                name="write_comment",
                summary="Comment on a task",
                role=Role.MEMBER,
                response=CommentBody,
                status=201,
            ),
            comments.patch(
                "/tasks/{task_id:uuid}/comments/{comment_id:uuid}",
                handler=self.edit_comment,
                body=CommentRequest,
                name="edit_comment",
                summary="Edit your comment",
                role=Role.MEMBER,
                response=CommentBody,
            ),
            comments.delete(
                "/tasks/{task_id:uuid}/comments/{comment_id:uuid}",
                handler=self.delete_comment,
                name="delete_comment",
                summary="Delete a comment (its author, or an admin)",
                role=Role.MEMBER,
                status=204,
            ),
            labels.get(
                "/labels",
                handler=self.list_labels,
                name="list_labels",
                summary="Labels",
                role=Role.VIEWER,
                response=LabelBody,
                paginated=True,
            ),
            labels.post(
                "/labels",
                handler=self.create_label,
                body=CreateLabelRequest,
                name="create_label",
                summary="Create a label",
                role=Role.MEMBER,
                response=LabelBody,
                status=201,
                errors=(409,),
            ),
            labels.patch(
                "/labels/{label_id:uuid}",
                handler=self.update_label,
                body=UpdateLabelRequest,
                name="update_label",
                summary="Change a label",
                role=Role.MEMBER,
                response=LabelBody,
                errors=(409,),
            ),
            labels.delete(
                "/labels/{label_id:uuid}",
                handler=self.delete_label,
                name="delete_label",
                summary="Delete a label",
                role=Role.MEMBER,
                status=204,
            ),
        ]
