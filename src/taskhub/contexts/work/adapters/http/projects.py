"""Project endpoints."""

from collections.abc import Sequence

from taskhub.contexts.work.adapters.http.pages import page_reply
from taskhub.contexts.work.adapters.http.queries import PROJECT_LIST_QUERY, project_status
from taskhub.contexts.work.adapters.http.schemas import (
    CreateProjectRequest,
    ProjectBody,
    UpdateProjectRequest,
    converter,
)
from taskhub.contexts.work.application.projects import ChangeProject, ProjectService
from taskhub.contexts.work.domain.project import Project
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.roles import Role


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


class ProjectEndpoints:
    def __init__(self, *, projects: ProjectService) -> None:
        self._projects = projects

    def create(self, call: Call[CreateProjectRequest]) -> Reply:
        body = call.body
        project = self._projects.create(
            call.in_org,
            key=body.key,
            name=body.name,
            description=body.description,
            status=body.status,
        )
        return Reply(status=201, body=project_body(project))

    def list(self, call: Call[None]) -> Reply:
        page = self._projects.page(call.in_org, project_status(call.query), call.page)
        return page_reply(page, project_body)

    def get(self, call: Call[None]) -> Reply:
        return Reply(body=project_body(self._projects.get(call.in_org, call.params["project_id"])))

    def update(self, call: Call[UpdateProjectRequest]) -> Reply:
        body = call.body
        body.changes()  # a null where none may be is a 422
        command = ChangeProject(
            name=body.name,
            key=body.key,
            description=body.description,
            status=body.status,
            expected_version=call.if_match,
        )
        project = self._projects.change(call.in_org, call.params["project_id"], command)
        return Reply(body=project_body(project))

    def delete(self, call: Call[None]) -> Reply:
        self._projects.delete(call.in_org, call.params["project_id"], call.if_match)
        return Reply(status=204)

    def restore(self, call: Call[None]) -> Reply:
        return Reply(
            body=project_body(self._projects.restore(call.in_org, call.params["project_id"]))
        )

    def endpoints(self) -> Sequence[Endpoint]:
        projects = Routes.in_org(tag="projects", converter=converter)
        return [
            projects.post(
                "/projects",
                handler=self.create,
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
                handler=self.list,
                name="list_projects",
                summary="Projects (filter: status)",
                role=Role.VIEWER,
                response=ProjectBody,
                paginated=True,
                query=PROJECT_LIST_QUERY,
            ),
            projects.get(
                "/projects/{project_id:uuid}",
                handler=self.get,
                name="get_project",
                summary="A project",
                role=Role.VIEWER,
                response=ProjectBody,
            ),
            projects.patch(
                "/projects/{project_id:uuid}",
                handler=self.update,
                body=UpdateProjectRequest,
                name="update_project",
                summary="Change a project",
                role=Role.ADMIN,
                response=ProjectBody,
                errors=(409,),
            ),
            projects.delete(
                "/projects/{project_id:uuid}",
                handler=self.delete,
                name="delete_project",
                summary="Delete a project (soft)",
                role=Role.ADMIN,
                status=204,
            ),
            projects.post(
                "/projects/{project_id:uuid}/restore",
                handler=self.restore,
                name="restore_project",
                summary="Restore a project",
                role=Role.ADMIN,
                response=ProjectBody,
            ),
        ]
