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
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.shared_kernel.errors import FieldError, ValidationFailed
from taskhub.shared_kernel.pagination import Page
from taskhub.shared_kernel.roles import Role

ORG = "/api/v1/orgs/{org_id:uuid}"
PROJECTS = f"{ORG}/projects"
PROJECT = f"{PROJECTS}/{{project_id:uuid}}"
TASKS = f"{ORG}/tasks"
TASK = f"{TASKS}/{{task_id:uuid}}"
LABELS = f"{ORG}/labels"

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
    def create_project(self, call: Call) -> Reply:
        body: CreateProjectRequest = call.body
        project = self._projects.create(
            call.in_org,
            key=body.key,
            name=body.name,
            description=body.description,
            status=body.status,
        )
        return Reply(status=201, body=project_body(project))

    def list_projects(self, call: Call) -> Reply:
        page = self._projects.list(call.in_org, project_status(call.query), call.page)
        return Reply(
            body=Page(items=[project_body(p) for p in page.items], next_after=page.next_after)
        )

    def get_project(self, call: Call) -> Reply:
        return Reply(body=project_body(self._projects.get(call.in_org, call.params["project_id"])))

    def update_project(self, call: Call) -> Reply:
        body: UpdateProjectRequest = call.body
        project = self._projects.change(
            call.in_org, call.params["project_id"], body.changes(), call.if_match
        )
        return Reply(body=project_body(project))

    def delete_project(self, call: Call) -> Reply:
        self._projects.delete(call.in_org, call.params["project_id"], call.if_match)
        return Reply(status=204)

    def restore_project(self, call: Call) -> Reply:
        return Reply(
            body=project_body(self._projects.restore(call.in_org, call.params["project_id"]))
        )

    # tasks
    def create_task(self, call: Call) -> Reply:
        task = self._tasks.create(call.in_org, _create_fields(call.body))
        return Reply(status=201, body=task_body(task))

    def list_tasks(self, call: Call) -> Reply:
        # Summaries have the task resource's fields and go to the encoder as they are.
        return Reply(body=self._tasks.find(call.in_org, task_filter(call.query), call.page))

    def get_task(self, call: Call) -> Reply:
        return Reply(body=task_body(self._tasks.get(call.in_org, call.params["task_id"])))

    def update_task(self, call: Call) -> Reply:
        body: UpdateTaskRequest = call.body
        task = self._tasks.change(
            call.in_org,
            call.params["task_id"],
            body.changes(nullable=NULLABLE_TASK_FIELDS),
            call.if_match,
        )
        return Reply(body=task_body(task))

    def delete_task(self, call: Call) -> Reply:
        self._tasks.delete(call.in_org, call.params["task_id"], call.if_match)
        return Reply(status=204)

    def restore_task(self, call: Call) -> Reply:
        return Reply(body=task_body(self._tasks.restore(call.in_org, call.params["task_id"])))

    def batch(self, call: Call) -> Reply:
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

    def activity(self, call: Call) -> Reply:
        task = self._tasks.get(call.in_org, call.params["task_id"])
        page = self._history.history(call.in_org.org_id, "task", task.id, call.page)
        admin = call.in_org.role.at_least(Role.ADMIN)
        items = [activity_body(e, reveal_origin=admin) for e in page.items]
        return Reply(body=Page(items=items, next_after=page.next_after))

    # dependencies
    def list_dependencies(self, call: Call) -> Reply:
        blockers = self._dependencies.blockers(call.in_org, call.params["task_id"])
        return Reply(body=Page(items=[task_body(t) for t in blockers], next_after=None))

    def add_dependency(self, call: Call) -> Reply:
        body: AddDependencyRequest = call.body
        blocker = self._dependencies.add(call.in_org, call.params["task_id"], body.depends_on_id)
        return Reply(status=201, body=task_body(blocker))

    def remove_dependency(self, call: Call) -> Reply:
        self._dependencies.remove(call.in_org, call.params["task_id"], call.params["depends_on_id"])
        return Reply(status=204)

    # comments
    def list_comments(self, call: Call) -> Reply:
        page = self._comments.list(call.in_org, call.params["task_id"], call.page)
        return Reply(
            body=Page(items=[comment_body(c) for c in page.items], next_after=page.next_after)
        )

    def write_comment(self, call: Call) -> Reply:
        body: CommentRequest = call.body
        comment = self._comments.write(call.in_org, call.params["task_id"], body.body)
        return Reply(status=201, body=comment_body(comment))

    def edit_comment(self, call: Call) -> Reply:
        body: CommentRequest = call.body
        comment = self._comments.edit(
            call.in_org, call.params["task_id"], call.params["comment_id"], body.body, call.if_match
        )
        return Reply(body=comment_body(comment))

    def delete_comment(self, call: Call) -> Reply:
        self._comments.delete(
            call.in_org, call.params["task_id"], call.params["comment_id"], call.if_match
        )
        return Reply(status=204)

    # labels
    def list_labels(self, call: Call) -> Reply:
        page = self._labels.list(call.in_org, call.page)
        return Reply(
            body=Page(items=[label_body(lb) for lb in page.items], next_after=page.next_after)
        )

    def create_label(self, call: Call) -> Reply:
        body: CreateLabelRequest = call.body
        label = self._labels.create(call.in_org, name=body.name, color=body.color)
        return Reply(status=201, body=label_body(label))

    def update_label(self, call: Call) -> Reply:
        body: UpdateLabelRequest = call.body
        label = self._labels.change(
            call.in_org, call.params["label_id"], body.changes(), call.if_match
        )
        return Reply(body=label_body(label))

    def delete_label(self, call: Call) -> Reply:
        self._labels.delete(call.in_org, call.params["label_id"], call.if_match)
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        def ep(  # noqa: PLR0917 - a table of routes reads best positionally
            method: str,
            path: str,
            handler: Any,
            name: str,
            summary: str,
            tag: str,
            role: Role,
            **kw: Any,
        ) -> Endpoint:
            return Endpoint(
                method,
                path,
                handler,
                name,
                summary,
                tag,
                Access.PRINCIPAL,
                org_role=role,
                converter=_converter,
                **kw,
            )

        viewer, member, admin = Role.VIEWER, Role.MEMBER, Role.ADMIN
        comment = f"{TASK}/comments/{{comment_id:uuid}}"
        return [
            ep(
                "POST",
                PROJECTS,
                self.create_project,
                "create_project",
                "Create a project",
                "projects",
                admin,
                body=CreateProjectRequest,
                response=ProjectBody,
                status=201,
                errors=(409,),
            ),
            ep(
                "GET",
                PROJECTS,
                self.list_projects,
                "list_projects",
                "Projects (filter: status)",
                "projects",
                viewer,
                response=ProjectBody,
                paginated=True,
                query=PROJECT_LIST_QUERY,
            ),
            ep(
                "GET",
                PROJECT,
                self.get_project,
                "get_project",
                "A project",
                "projects",
                viewer,
                response=ProjectBody,
            ),
            ep(
                "PATCH",
                PROJECT,
                self.update_project,
                "update_project",
                "Change a project",
                "projects",
                admin,
                body=UpdateProjectRequest,
                response=ProjectBody,
                errors=(409,),
            ),
            ep(
                "DELETE",
                PROJECT,
                self.delete_project,
                "delete_project",
                "Delete a project (soft)",
                "projects",
                admin,
                status=204,
            ),
            ep(
                "POST",
                f"{PROJECT}/restore",
                self.restore_project,
                "restore_project",
                "Restore a project",
                "projects",
                admin,
                response=ProjectBody,
            ),
            ep(
                "POST",
                TASKS,
                self.create_task,
                "create_task",
                "Create a task",
                "tasks",
                member,
                body=CreateTaskRequest,
                response=TaskBody,
                status=201,
                errors=(409,),
            ),
            ep(
                "GET",
                TASKS,
                self.list_tasks,
                "list_tasks",
                "Tasks, filtered and sorted",
                "tasks",
                viewer,
                response=TaskBody,
                paginated=True,
                query=TASK_LIST_QUERY,
                description=(
                    "Filters: project_id, status (repeatable), priority (repeatable), "
                    "assignee_id, label_id, parent_id, due_before, due_after, q (full text "
                    "over title and description), sort (created_at, -created_at (default), "
                    "due_at, -due_at, priority, -priority, updated_at, -updated_at; ties by "
                    "id; tasks without due_at last)."
                ),
            ),
            ep(
                "POST",
                f"{TASKS}/batch",
                self.batch,
                "batch_tasks",
                "Apply up to 100 operations, all or nothing",
                "tasks",
                member,
                body=BatchRequest,
                response=BatchResponse,
                errors=(404, 409),
            ),
            ep(
                "GET", TASK, self.get_task, "get_task", "A task", "tasks", viewer, response=TaskBody
            ),
            ep(
                "PATCH",
                TASK,
                self.update_task,
                "update_task",
                "Change a task",
                "tasks",
                member,
                body=UpdateTaskRequest,
                response=TaskBody,
                errors=(409,),
            ),
            ep(
                "DELETE",
                TASK,
                self.delete_task,
                "delete_task",
                "Delete a task (soft)",
                "tasks",
                member,
                status=204,
            ),
            ep(
                "POST",
                f"{TASK}/restore",
                self.restore_task,
                "restore_task",
                "Restore a task",
                "tasks",
                admin,
                response=TaskBody,
                errors=(409,),
            ),
            ep(
                "GET",
                f"{TASK}/activity",
                self.activity,
                "task_activity",
                "The task's audit entries, newest first",
                "tasks",
                viewer,
                response=ActivityBody,
                paginated=True,
            ),
            ep(
                "GET",
                f"{TASK}/dependencies",
                self.list_dependencies,
                "list_dependencies",
                "Tasks this task depends on",
                "tasks",
                viewer,
                response=TaskBody,
                paginated=True,
            ),
            ep(
                "POST",
                f"{TASK}/dependencies",
                self.add_dependency,
                "add_dependency",
                "Depend on another task",
                "tasks",
                member,
                body=AddDependencyRequest,
                response=TaskBody,
                status=201,
                errors=(409,),
            ),
            ep(
                "DELETE",
                f"{TASK}/dependencies/{{depends_on_id:uuid}}",
                self.remove_dependency,
                "remove_dependency",
                "Stop depending on a task",
                "tasks",
                member,
                status=204,
            ),
            ep(
                "GET",
                f"{TASK}/comments",
                self.list_comments,
                "list_comments",
                "Comments",
                "comments",
                viewer,
                response=CommentBody,
                paginated=True,
            ),
            ep(
                "POST",
                f"{TASK}/comments",
                self.write_comment,
                "write_comment",
                "Comment on a task",
                "comments",
                member,
                body=CommentRequest,
                response=CommentBody,
                status=201,
            ),
            ep(
                "PATCH",
                comment,
                self.edit_comment,
                "edit_comment",
                "Edit your comment",
                "comments",
                member,
                body=CommentRequest,
                response=CommentBody,
            ),
            ep(
                "DELETE",
                comment,
                self.delete_comment,
                "delete_comment",
                "Delete a comment (its author, or an admin)",
                "comments",
                member,
                status=204,
            ),
            ep(
                "GET",
                LABELS,
                self.list_labels,
                "list_labels",
                "Labels",
                "labels",
                viewer,
                response=LabelBody,
                paginated=True,
            ),
            ep(
                "POST",
                LABELS,
                self.create_label,
                "create_label",
                "Create a label",
                "labels",
                member,
                body=CreateLabelRequest,
                response=LabelBody,
                status=201,
                errors=(409,),
            ),
            ep(
                "PATCH",
                f"{LABELS}/{{label_id:uuid}}",
                self.update_label,
                "update_label",
                "Change a label",
                "labels",
                member,
                body=UpdateLabelRequest,
                response=LabelBody,
                errors=(409,),
            ),
            ep(
                "DELETE",
                f"{LABELS}/{{label_id:uuid}}",
                self.delete_label,
                "delete_label",
                "Delete a label",
                "labels",
                member,
                status=204,
            ),
        ]
