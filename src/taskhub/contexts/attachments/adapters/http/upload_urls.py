"""Signed, expiring upload URLs that taskhub serves itself, for direct uploads to local
storage (S3 presigns its own).

The URL names the organization, the upload and its expiry, signed with HMAC-SHA256
under the keyring's "upload-urls" key, so only taskhub can make one and nobody can
stretch one's lifetime or point it at another upload. Holding the URL is the
permission to PUT, as with a presigned URL: it is handed only to the member who
started the upload.
"""

import hashlib
import hmac
import uuid
from datetime import UTC, datetime

from taskhub.contexts.attachments.application.ports import UploadTarget
from taskhub.contexts.attachments.domain.direct_upload import DirectUpload
from taskhub.platform.http.routes import API_PREFIX
from taskhub.platform.keyring import Keyring

PURPOSE = "upload-urls"
UPLOAD_PATH = "/uploads/{org_id:uuid}/{upload_id:uuid}"


class LocalUploadUrls:
    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    def target(self, upload: DirectUpload) -> UploadTarget:
        expires = int(upload.expires_at.timestamp())
        signature = self._sign(self._keyring.current(PURPOSE).material, upload, expires)
        url = (
            f"{API_PREFIX}/uploads/{upload.org_id}/{upload.id}"
            f"?expires={expires}&signature={signature}"
        )
        return UploadTarget(
            method="PUT", url=url, headers={"Content-Type": "application/octet-stream"}
        )

    def valid(
        self, org_id: uuid.UUID, upload_id: uuid.UUID, expires: str, signature: str, now: datetime
    ) -> bool:
        if not expires.isdigit() or len(expires) > 12:
            return False
        if datetime.fromtimestamp(int(expires), UTC) <= now:
            return False
        return any(
            hmac.compare_digest(self._mac(key.material, org_id, upload_id, expires), signature)
            for key in self._keyring.all(PURPOSE)
        )

    def _sign(self, material: bytes, upload: DirectUpload, expires: int) -> str:
        return self._mac(material, upload.org_id, upload.id, str(expires))

    @staticmethod
    def _mac(material: bytes, org_id: uuid.UUID, upload_id: uuid.UUID, expires: str) -> str:
        message = f"{org_id}:{upload_id}:{expires}".encode()
        return hmac.new(material, message, hashlib.sha256).hexdigest()
