"""The attachments context's own errors."""

from taskhub.shared_kernel.errors import Conflict, NotFound, ValidationFailed


class AttachmentNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("The attachment was not found.")


class TaskNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("The task was not found.")


class UploadNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("The upload was not found, or it has expired.")


class StorageQuotaExceeded(Conflict):
    code = "storage_quota_exceeded"

    def __init__(self) -> None:
        super().__init__("The organization's storage quota would be exceeded by this file.")


def empty_file() -> ValidationFailed:
    return ValidationFailed.single("file", "must not be empty")
