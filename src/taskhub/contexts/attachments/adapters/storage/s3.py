"""Object storage on any S3-compatible service, through boto3.

boto3 is AWS's own client, kept in step with the S3 API, and builds presigned URLs
itself. Uploads stream through `upload_fileobj` in 8 MiB parts, one at a time, so the
memory an upload takes does not grow with the file; a failure aborts the multipart
upload, so no object is left half-written. Credentials come from the usual AWS
variables (`AWS_ACCESS_KEY_ID`, ...); the URL names the bucket, and optionally the
endpoint and the region: `s3://bucket?endpoint_url=https://...&region=...`.
"""

import urllib.parse
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from taskhub.contexts.attachments.application.ports import UploadTarget
from taskhub.contexts.attachments.domain.direct_upload import DirectUpload
from taskhub.platform.http.content_disposition import attachment_disposition
from taskhub.shared_kernel.byte_streams import PIECE_BYTES, ByteSource
from taskhub.shared_kernel.clock import Clock

_PART_BYTES = 8 * 1024 * 1024


class S3Storage:
    def __init__(self, url: str) -> None:
        parsed = urllib.parse.urlsplit(url)
        options = dict(urllib.parse.parse_qsl(parsed.query))
        self.bucket = parsed.netloc
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=options.get("endpoint_url"),
            region_name=options.get("region"),
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3},
            ),
        )
        self._transfer = TransferConfig(
            multipart_threshold=_PART_BYTES,
            multipart_chunksize=_PART_BYTES,
            max_concurrency=1,
            use_threads=False,
        )

    def write(self, key: str, source: ByteSource, *, content_type: str) -> None:
        self.client.upload_fileobj(
            _Readable(source),
            self.bucket,
            key,
            ExtraArgs={"ContentType": content_type},
            Config=self._transfer,
        )

    def read(self, key: str, first: int, last: int) -> Iterator[bytes]:
        found = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes={first}-{last}")
        body = found["Body"]
        try:
            yield from body.iter_chunks(PIECE_BYTES)
        finally:
            body.close()

    def size_of(self, key: str) -> int | None:
        try:
            found = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return int(found["ContentLength"])

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def download_url(
        self, key: str, *, filename: str, content_type: str, expires_in: int
    ) -> str | None:
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": attachment_disposition(filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )
        return url

    def upload_url(self, key: str, *, content_type: str, expires_in: int) -> str:
        url: str = self.client.generate_presigned_url(
            "put_object",
            Params={"Bucket": self.bucket, "Key": key, "ContentType": content_type},
            ExpiresIn=expires_in,
        )
        return url

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)


class S3UploadTargets:
    """A presigned PUT straight to the bucket, valid until the upload expires."""

    def __init__(self, storage: S3Storage, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock

    def target(self, upload: DirectUpload) -> UploadTarget:
        seconds = _seconds_until(upload.expires_at, self._clock.now())
        url = self._storage.upload_url(
            upload.storage_key, content_type=upload.content_type, expires_in=seconds
        )
        return UploadTarget(method="PUT", url=url, headers={"Content-Type": upload.content_type})


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds()))


class _Readable:
    """What `upload_fileobj` reads from: a file-like view of a `ByteSource`."""

    def __init__(self, source: ByteSource) -> None:
        self._source = source

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            pieces = []
            while piece := self._source.read(PIECE_BYTES):
                pieces.append(piece)
            return b"".join(pieces)
        return self._source.read(size)
