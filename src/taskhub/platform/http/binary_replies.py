"""Replies that are bytes streamed from elsewhere (a stored file), with `Range` support.

A handler returns `Reply(body=BinaryContent(...))`; the dispatcher writes it here. A
single byte range (`Range: bytes=a-b`, `a-`, `-n`) is answered 206 with
`Content-Range`; a range that starts past the end is 416; several ranges, or a range
header that does not parse, get the whole content (RFC 9110 lets a server ignore
`Range`). The content is read from its source as it is sent, never whole into memory.
"""

import re
from collections.abc import Callable, Iterable, Mapping

import attrs
import falcon

from taskhub.platform.http.problems import HttpProblem

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d{0,18})\s*-\s*(\d{0,18})\s*$", re.IGNORECASE)


@attrs.frozen
class BinaryContent:
    """Bytes to send: `chunks(first, last)` yields bytes first..last (inclusive)."""

    size: int
    media_type: str
    chunks: Callable[[int, int], Iterable[bytes]]
    etag: str | None = None
    """Quoted, as it goes in the header."""
    headers: Mapping[str, str] = attrs.field(factory=dict)


class RangeNotSatisfiable(HttpProblem):
    code = "range_not_satisfiable"
    status = 416

    def __init__(self, size: int) -> None:
        super().__init__(f"The range is outside the content's {size} bytes.")
        self.size = size

    def extra_headers(self) -> dict[str, str]:
        return {"Content-Range": f"bytes */{self.size}"}


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive byte range asked for, None for the whole content; 416 past the end."""
    if not header:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.group(1), match.group(2)
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0:
            raise RangeNotSatisfiable(size)
        return max(0, size - suffix), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable(size)
    return start, end


def write_binary(req: falcon.Request, resp: falcon.Response, content: BinaryContent) -> None:
    for name, value in content.headers.items():
        resp.set_header(name, value)
    resp.set_header("Accept-Ranges", "bytes")
    if content.etag is not None:
        resp.etag = content.etag
        if req.method in ("GET", "HEAD") and req.get_header("If-None-Match") == content.etag:
            resp.status = 304
            return
    resp.content_type = content.media_type
    if content.size == 0:
        resp.data = b""
        return
    span = requested_range(req.get_header("Range"), content.size)
    first, last = span if span is not None else (0, content.size - 1)
    if span is not None:
        resp.status = 206
        resp.set_header("Content-Range", f"bytes {first}-{last}/{content.size}")
    resp.content_length = last - first + 1
    resp.stream = iter(content.chunks(first, last))
