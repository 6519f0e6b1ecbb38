"""Request bodies that are streamed to the handler instead of read into memory.

A route declares one of these classes as its `body`: `MultipartFile` for a
`multipart/form-data` upload with one part named `file`, `OctetStream` for raw bytes
(a direct upload to a signed URL). The handler gets the class with a `stream` to read
from; the request is read as the handler reads, and never more than the upload limit
(`TASKHUB_MAX_UPLOAD_BYTES`, not the JSON limit): one byte more is a 413, after which
the connection is closed because the rest of the body is still on it. Either framing,
`Content-Length` or chunked, is read alike (compare `request_body`).
"""

import re
from collections.abc import Iterator
from typing import Protocol

import attrs
import falcon
from falcon.media.multipart import BodyPart, MultipartFormHandler, MultipartParseOptions
from falcon.util import BufferedReader

from taskhub.platform.http.problems import (
    LengthRequired,
    PayloadTooLarge,
    UnreadableBody,
    UnsupportedMediaType,
)
from taskhub.shared_kernel.byte_streams import ByteSource
from taskhub.shared_kernel.errors import ValidationFailed

FILE_FIELD = "file"
# Room in a multipart body for its boundaries, part headers and small fields.
FORM_OVERHEAD_BYTES = 64 * 1024
_MULTIPART = re.compile(r"^multipart/form-data\s*;", re.IGNORECASE)


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class _Capped:
    """Reads a source up to `limit` bytes; one more is a 413. A broken source (bad
    framing, a client gone mid-body) is the request's fault, not a 500."""

    def __init__(self, source: _Readable, limit: int, too_large: str) -> None:
        self._source = source
        self._limit = limit
        self._too_large = too_large
        self.read_bytes = 0

    def read(self, size: int = -1, /) -> bytes:
        want = self._limit + 1 - self.read_bytes if size < 0 else size
        want = min(want, self._limit + 1 - self.read_bytes)
        if want <= 0:
            return b""
        try:
            piece = self._source.read(want)
        except (falcon.HTTPError, UnreadableBody, PayloadTooLarge):
            raise
        except Exception as error:
            raise UnreadableBody(
                "The request body could not be read: it is not validly framed."
            ) from error
        self.read_bytes += len(piece)
        if self.read_bytes > self._limit:
            raise PayloadTooLarge(self._too_large)
        return piece


class _PartReader:
    """A multipart part's bytes, counted against the file limit; parse errors are 400s."""

    def __init__(self, part: BodyPart, limit: int) -> None:
        self._capped = _Capped(part.stream, limit, f"The file is larger than {limit} bytes.")

    def read(self, size: int, /) -> bytes:
        try:
            return self._capped.read(size)
        except falcon.HTTPError as error:
            raise UnreadableBody(f"The multipart body is malformed: {error.description}") from None


@attrs.define
class MultipartFile:
    """The `file` part of a `multipart/form-data` body, read as the handler reads it."""

    filename: str
    """As the client named it: display text, never a path."""
    declared_type: str
    stream: ByteSource
    _rest: Iterator[BodyPart] | None = None

    def drain(self) -> None:
        """Read past any part after the file, so the connection can serve the next request."""
        if self._rest is None:
            return
        try:
            for _part in self._rest:
                pass
        except falcon.HTTPError as error:
            raise UnreadableBody(f"The multipart body is malformed: {error.description}") from None


@attrs.define
class OctetStream:
    """A raw request body of any type, read as the handler reads it."""

    stream: ByteSource
    length: int | None


STREAMED_BODIES: tuple[type, ...] = (MultipartFile, OctetStream)


def _source(req: falcon.Request, limit: int) -> _Readable | None:
    """The body's stream, or None when there is none; too long a declared length is 413."""
    length = req.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    if length is None and not req.env.get("wsgi.input_terminated"):
        if req.get_header("Transfer-Encoding"):
            raise LengthRequired("Send the request body with a Content-Length.")
        return None
    stream: _Readable = req.bounded_stream if length is not None else req.stream
    return stream


def read_multipart_file(req: falcon.Request, max_file_bytes: int) -> MultipartFile:
    """The request's `file` part, ready to stream; 415 for anything but multipart."""
    content_type = req.content_type or ""
    if not _MULTIPART.match(content_type):
        raise UnsupportedMediaType(
            f"Send the file as multipart/form-data with one part named {FILE_FIELD!r}."
        )
    limit = max_file_bytes + FORM_OVERHEAD_BYTES
    source = _source(req, limit)
    if source is None:
        raise ValidationFailed.single(FILE_FIELD, "is required")
    capped = _Capped(source, limit, f"The file is larger than {max_file_bytes} bytes.")
    length = req.content_length
    reader = BufferedReader(capped.read, length if length is not None else limit + 1)
    options = MultipartParseOptions()
    options.max_body_part_count = 16
    try:
        parts = iter(MultipartFormHandler(options).deserialize(reader, content_type, length))
        for part in parts:
            if part.name == FILE_FIELD:
                return MultipartFile(
                    filename=part.filename or "",
                    declared_type=part.content_type,
                    stream=_PartReader(part, max_file_bytes),
                    rest=parts,
                )
    except falcon.HTTPError as error:
        raise UnreadableBody(f"The multipart body is malformed: {error.description}") from None
    raise ValidationFailed.single(FILE_FIELD, "is required")


def read_octet_stream(req: falcon.Request, max_bytes: int) -> OctetStream:
    source = _source(req, max_bytes)
    if source is None:
        return OctetStream(stream=_Capped(_Empty(), 0, ""), length=0)
    return OctetStream(
        stream=_Capped(source, max_bytes, f"The request body is larger than {max_bytes} bytes."),
        length=req.content_length,
    )


class _Empty:
    def read(self, size: int, /) -> bytes:
        return b""


def read_streamed_body(
    kind: type, req: falcon.Request, max_bytes: int
) -> MultipartFile | OctetStream:
    if kind is MultipartFile:
        return read_multipart_file(req, max_bytes)
    return read_octet_stream(req, max_bytes)
