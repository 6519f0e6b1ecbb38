"""Comments on tasks: their author edits them; the author or an admin deletes them."""

import uuid
from datetime import datetime
from typing import Any

import attrs

from taskhub.contexts.work.domain.aggregate import WorkAggregate
from taskhub.contexts.work.domain.events import CommentCreated, CommentDeleted, CommentUpdated
from taskhub.contexts.work.public.events import CommentData
from taskhub.shared_kernel.errors import PermissionDenied, ValidationFailed
from taskhub.shared_kernel.event_catalogue import event_data
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.roles import Role


def _body(body: str) -> str:
    if not body.strip():
        raise ValidationFailed.single("body", "must not be blank")
    return body


@attrs.define(kw_only=True)
class Comment(WorkAggregate):
    task_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: datetime

    @classmethod
    def write(
        cls,
        *,
        org_id: uuid.UUID,
        task_id: uuid.UUID,
        author_id: uuid.UUID,
        body: str,
        now: datetime,
    ) -> "Comment":
        comment = cls(
            id=new_id(),
            org_id=org_id,
            task_id=task_id,
            author_id=author_id,
            body=_body(body),
            created_at=now,
            updated_at=now,
        )
        comment._happened(CommentCreated, now, {"task_id": (None, str(task_id))})
        return comment

    def edit(self, editor: uuid.UUID, body: str, now: datetime) -> dict[str, tuple[Any, Any]]:
        if editor != self.author_id:
            raise PermissionDenied("Only the comment's author can edit it.")
        return self._change(CommentUpdated, {"body": _body(body)}, now)

    def delete(self, by: uuid.UUID, role: Role, now: datetime) -> None:
        if by != self.author_id and not role.at_least(Role.ADMIN):
            raise PermissionDenied("Only the author or an admin can delete a comment.")
        self._delete(CommentDeleted, now)

    def snapshot(self) -> dict[str, Any]:
        return event_data(fields_from(CommentData, self))
