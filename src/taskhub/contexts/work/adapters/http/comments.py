"""Comment endpoints, under the task they belong to."""

from collections.abc import Sequence

from taskhub.contexts.work.adapters.http.pages import page_reply
from taskhub.contexts.work.adapters.http.schemas import CommentBody, CommentRequest, converter
from taskhub.contexts.work.application.comments import CommentService
from taskhub.contexts.work.domain.comment import Comment
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.roles import Role


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


class CommentEndpoints:
    def __init__(self, *, comments: CommentService) -> None:
        self._comments = comments

    def list(self, call: Call[None]) -> Reply:
        page = self._comments.page(call.in_org, call.params["task_id"], call.page)
        return page_reply(page, comment_body)

    def write(self, call: Call[CommentRequest]) -> Reply:
        comment = self._comments.write(call.in_org, call.params["task_id"], call.body.body)
        return Reply(status=201, body=comment_body(comment))

    def edit(self, call: Call[CommentRequest]) -> Reply:
        comment = self._comments.edit(
            call.in_org,
            call.params["task_id"],
            call.params["comment_id"],
            call.body.body,
            call.if_match,
        )
        return Reply(body=comment_body(comment))

    def delete(self, call: Call[None]) -> Reply:
        self._comments.delete(
            call.in_org, call.params["task_id"], call.params["comment_id"], call.if_match
        )
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        comments = Routes.in_org(tag="comments", converter=converter)
        return [
            comments.get(
                "/tasks/{task_id:task}/comments",
                handler=self.list,
                name="list_comments",
                summary="Comments",
                role=Role.VIEWER,
                response=CommentBody,
                paginated=True,
            ),
            comments.post(
                "/tasks/{task_id:task}/comments",
                handler=self.write,
                body=CommentRequest,
                name="write_comment",
                summary="Comment on a task",
                role=Role.MEMBER,
                response=CommentBody,
                status=201,
            ),
            comments.patch(
                "/tasks/{task_id:task}/comments/{comment_id:uuid}",
                handler=self.edit,
                body=CommentRequest,
                name="edit_comment",
                summary="Edit your comment",
                role=Role.MEMBER,
                response=CommentBody,
            ),
            comments.delete(
                "/tasks/{task_id:task}/comments/{comment_id:uuid}",
                handler=self.delete,
                name="delete_comment",
                summary="Delete a comment (its author, or an admin)",
                role=Role.MEMBER,
                status=204,
            ),
        ]
