"""Label endpoints."""

from collections.abc import Sequence

from taskhub.contexts.work.adapters.http.pages import page_reply
from taskhub.contexts.work.adapters.http.schemas import (
    CreateLabelRequest,
    LabelBody,
    UpdateLabelRequest,
    converter,
)
from taskhub.contexts.work.application.labels import ChangeLabel, LabelService
from taskhub.contexts.work.domain.label import Label
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.roles import Role


def label_body(label: Label) -> LabelBody:
    return LabelBody(
        id=label.id,
        name=label.name,
        color=label.color,
        created_at=label.created_at,
        updated_at=label.updated_at,
        version=label.version,
    )


class LabelEndpoints:
    def __init__(self, *, labels: LabelService) -> None:
        self._labels = labels

    def list(self, call: Call[None]) -> Reply:
        page = self._labels.page(call.in_org, call.page)
        return page_reply(page, label_body)

    def create(self, call: Call[CreateLabelRequest]) -> Reply:
        body = call.body
        label = self._labels.create(call.in_org, name=body.name, color=body.color)
        return Reply(status=201, body=label_body(label))

    def update(self, call: Call[UpdateLabelRequest]) -> Reply:
        body = call.body
        body.changes()  # a null where none may be is a 422
        command = ChangeLabel(name=body.name, color=body.color, expected_version=call.if_match)
        label = self._labels.change(call.in_org, call.params["label_id"], command)
        return Reply(body=label_body(label))

    def delete(self, call: Call[None]) -> Reply:
        self._labels.delete(call.in_org, call.params["label_id"], call.if_match)
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        labels = Routes.in_org(tag="labels", converter=converter)
        return [
            labels.get(
                "/labels",
                handler=self.list,
                name="list_labels",
                summary="Labels",
                role=Role.VIEWER,
                response=LabelBody,
                paginated=True,
            ),
            labels.post(
                "/labels",
                handler=self.create,
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
                handler=self.update,
                body=UpdateLabelRequest,
                name="update_label",
                summary="Change a label",
                role=Role.MEMBER,
                response=LabelBody,
                errors=(409,),
            ),
            labels.delete(
                "/labels/{label_id:uuid}",
                handler=self.delete,
                name="delete_label",
                summary="Delete a label",
                role=Role.MEMBER,
                status=204,
            ),
        ]
