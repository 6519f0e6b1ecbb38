"""The attachments routes: a task's files, their content, direct uploads.

Content is served as a download, never rendered by the API's origin: `Content-Disposition:
attachment` with the display name encoded, `nosniff`, `Content-Security-Policy: sandbox`,
and the SHA-256 as ETag. On S3 it is a 302 to a URL signed for five minutes instead.
"""

from collections.abc import Sequence

from taskhub.contexts.attachments.adapters.http.schemas import (
    AttachmentBody,
    StartUploadRequest,
    UploadBody,
    attachment_body,
    upload_body,
)
from taskhub.contexts.attachments.adapters.http.upload_urls import UPLOAD_PATH, LocalUploadUrls
from taskhub.contexts.attachments.application.attachments import AttachmentService
from taskhub.contexts.attachments.application.direct_uploads import (
    DirectUploadService,
    StartUpload,
)
from taskhub.platform.http.binary_replies import BinaryContent
from taskhub.platform.http.content_disposition import attachment_disposition
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.query import text_param
from taskhub.platform.http.routes import Routes
from taskhub.platform.http.streamed_bodies import MultipartFile, OctetStream
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import PermissionDenied
from taskhub.shared_kernel.roles import Role

ATTACHMENTS = "/tasks/{task_id:task}/attachments"
ATTACHMENT = ATTACHMENTS + "/{attachment_id:uuid}"
SIGNED_URL_QUERY = (
    text_param("expires", "When the URL stops working (Unix seconds).", max_length=12),
    text_param("signature", "taskhub's signature of the URL.", max_length=64),
)


class AttachmentEndpoints:
    def __init__(
        self,
        *,
        attachments: AttachmentService,
        uploads: DirectUploadService,
        upload_urls: LocalUploadUrls,
        clock: Clock,
    ) -> None:
        self._attachments = attachments
        self._uploads = uploads
        self._upload_urls = upload_urls
        self._clock = clock

    def upload(self, call: Call[MultipartFile]) -> Reply:
        attachment = self._attachments.upload(
            call.in_org,
            call.params["task_id"],
            filename=call.body.filename,
            source=call.body.stream,
        )
        return Reply(status=201, body=attachment_body(attachment))

    def list(self, call: Call[None]) -> Reply:
        page = self._attachments.page(call.in_org, call.params["task_id"], call.page)
        return Reply(body=page.map(attachment_body))

    def get(self, call: Call[None]) -> Reply:
        attachment = self._attachments.get(
            call.in_org, call.params["task_id"], call.params["attachment_id"]
        )
        return Reply(body=attachment_body(attachment))

    def content(self, call: Call[None]) -> Reply:
        download = self._attachments.download(
            call.in_org, call.params["task_id"], call.params["attachment_id"]
        )
        if download.url is not None:
            return Reply(status=302, headers={"Location": download.url})
        attachment = download.attachment
        return Reply(
            body=BinaryContent(
                size=attachment.size,
                media_type=attachment.content_type,
                chunks=download.chunks,
                etag=f'"{attachment.sha256}"',
                headers={
                    "Content-Disposition": attachment_disposition(attachment.filename),
                    "Content-Security-Policy": "sandbox",
                    "Cache-Control": "private, no-cache",
                },
            )
        )

    def delete(self, call: Call[None]) -> Reply:
        self._attachments.delete(
            call.in_org, call.params["task_id"], call.params["attachment_id"], call.if_match
        )
        return Reply(status=204)

    def restore(self, call: Call[None]) -> Reply:
        attachment = self._attachments.restore(
            call.in_org, call.params["task_id"], call.params["attachment_id"]
        )
        return Reply(body=attachment_body(attachment))

    def start_upload(self, call: Call[StartUploadRequest]) -> Reply:
        body = call.body
        started = self._uploads.start(
            call.in_org,
            call.params["task_id"],
            StartUpload(filename=body.filename, content_type=body.content_type, size=body.size),
        )
        return Reply(status=201, body=upload_body(started))

    def complete_upload(self, call: Call[None]) -> Reply:
        attachment = self._uploads.complete(
            call.in_org, call.params["task_id"], call.params["upload_id"]
        )
        return Reply(status=201, body=attachment_body(attachment))

    def receive_upload(self, call: Call[OctetStream]) -> Reply:
        org_id, upload_id = call.params["org_id"], call.params["upload_id"]
        expires, signature = call.query.get("expires") or "", call.query.get("signature") or ""
        if not self._upload_urls.valid(org_id, upload_id, expires, signature, self._clock.now()):
            raise PermissionDenied("The upload URL is not valid, or it has expired.")
        self._uploads.receive(org_id, upload_id, call.body.stream)
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        files = Routes.in_org(tag="attachments")
        signed = Routes(tag="attachments", access=Access.PUBLIC)
        return [
            files.post(
                ATTACHMENTS,
                handler=self.upload,
                body=MultipartFile,
                name="upload_attachment",
                summary="Attach a file to a task",
                description="`multipart/form-data` with one part named `file`, at most "
                "`TASKHUB_MAX_UPLOAD_BYTES`. Does not take an `Idempotency-Key`.",
                role=Role.MEMBER,
                response=AttachmentBody,
                status=201,
                errors=(409,),
            ),
            files.get(
                ATTACHMENTS,
                handler=self.list,
                name="list_attachments",
                summary="A task's attachments",
                role=Role.VIEWER,
                response=AttachmentBody,
                paginated=True,
            ),
            files.get(
                ATTACHMENT,
                handler=self.get,
                name="get_attachment",
                summary="An attachment's metadata",
                role=Role.VIEWER,
                response=AttachmentBody,
            ),
            files.get(
                ATTACHMENT + "/content",
                handler=self.content,
                name="get_attachment_content",
                summary="An attachment's bytes",
                description="`Range` is honoured (206). On S3 storage the answer is a 302 "
                "to a signed URL valid for five minutes.",
                role=Role.VIEWER,
                response=BinaryContent,
                redirects=True,
            ),
            files.delete(
                ATTACHMENT,
                handler=self.delete,
                name="delete_attachment",
                summary="Delete an attachment (its uploader, or an admin)",
                role=Role.MEMBER,
                status=204,
            ),
            files.post(
                ATTACHMENT + "/restore",
                handler=self.restore,
                name="restore_attachment",
                summary="Restore a deleted attachment",
                role=Role.ADMIN,
                response=AttachmentBody,
            ),
            files.post(
                ATTACHMENTS + "/uploads",
                handler=self.start_upload,
                body=StartUploadRequest,
                name="start_attachment_upload",
                summary="Start a direct upload of a large file",
                role=Role.MEMBER,
                response=UploadBody,
                status=201,
                location=ATTACHMENTS + "/uploads/{upload_id}",
                errors=(409,),
            ),
            files.post(
                ATTACHMENTS + "/uploads/{upload_id:uuid}/complete",
                handler=self.complete_upload,
                name="complete_attachment_upload",
                summary="Complete a direct upload",
                description="422 unless the stored object's size is the one declared.",
                role=Role.MEMBER,
                response=AttachmentBody,
                status=201,
                location=ATTACHMENTS + "/{id}",
                errors=(409, 422),
            ),
            signed.put(
                UPLOAD_PATH,
                handler=self.receive_upload,
                body=OctetStream,
                name="put_direct_upload",
                summary="The bytes of a direct upload to local storage (signed URL)",
                status=204,
                query=SIGNED_URL_QUERY,
                errors=(403, 404, 422),
            ),
        ]
