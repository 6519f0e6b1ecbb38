"""Request and response bodies of the attachments endpoints."""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.attachments.application.direct_uploads import StartedUpload
from taskhub.contexts.attachments.domain.attachment import MAX_FILENAME_LENGTH, Attachment
from taskhub.platform.http.fields import described, integer, text


@attrs.frozen
class AttachmentBody:
    """A file kept on a task. `content_type` is what the bytes are (sniffed)."""

    id: uuid.UUID
    task_id: uuid.UUID
    filename: str = described("Display text only, never a path.")
    content_type: str = described("Sniffed from the bytes, not taken from the client.")
    size: int = described("Bytes.")
    sha256: str = described("Hex SHA-256 of the bytes; also the content's ETag.")
    created_by: uuid.UUID = described("The uploader.")
    created_at: datetime = described("When it was stored.")


def attachment_body(attachment: Attachment) -> AttachmentBody:
    return AttachmentBody(
        id=attachment.id,
        task_id=attachment.task_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        created_by=attachment.created_by,
        created_at=attachment.created_at,
    )


@attrs.frozen
class StartUploadRequest:
    """A direct upload of a large file: PUT its bytes to the URL returned, then complete it."""

    filename: str = text(min_length=1, max_length=MAX_FILENAME_LENGTH, not_blank=True)
    content_type: str = text(
        min_length=3,
        max_length=255,
        pattern=r"[A-Za-z0-9][\w.+-]*/[\w.+-]+",
        example="application/pdf",
    )
    size: int = integer(minimum=1, maximum=2**53)


@attrs.frozen
class UploadBody:
    upload_id: uuid.UUID
    method: str = described("Always PUT.")
    url: str = described(
        "Where to send the bytes: a presigned storage URL, or a path on this server "
        "(local storage), resolved against the API's origin."
    )
    headers: dict[str, str] = described("Headers the PUT must carry.")
    expires_at: datetime = described("The URL stops working then; complete before 24 h.")


def upload_body(started: StartedUpload) -> UploadBody:
    return UploadBody(
        upload_id=started.upload.id,
        method=started.target.method,
        url=started.target.url,
        headers=dict(started.target.headers),
        expires_at=started.upload.expires_at,
    )
