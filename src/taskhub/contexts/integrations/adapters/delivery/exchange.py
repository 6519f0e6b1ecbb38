"""One HTTP/1.1 POST and its answer, over a socket that is already connected.

The dispatcher needs little of HTTP: send one request, read the status line, the few
headers that matter (`Content-Length`, `Transfer-Encoding`, `Retry-After`) and at most a
capped part of the body, then hang up. `http.client` does all that and more, parsing
every header through `email.parser`: about 40% of an attempt's CPU against a local
receiver. This reads the answer straight from the socket's bytes, with the same limits:

- a status line or header line longer than 65,536 bytes, more than 100 headers, or a
  status line that is not `HTTP/1.x NNN [reason]` is a bad answer;
- interim answers (`100 Continue`, `103 Early Hints`) are skipped;
- the body is read up to `max_body` bytes (plain, by `Content-Length`, or chunked)
  and no further; a body cut short before its announced end, or a malformed chunk, is
  a bad answer, as a peer that closes before answering is.

Nothing here follows a redirect or opens another connection. Every read waits at most
the socket's timeout; the caller shuts the socket at its deadline.
"""

import re
import socket
from collections.abc import Mapping

MAX_LINE = 65_536
MAX_HEADERS = 100
MAX_INTERIM_ANSWERS = 10
_RECV_SIZE = 65_536
_NO_BODY = frozenset({204, 304})

_DISALLOWED_IN_PATH = re.compile(r"[\x00-\x20\x7f]")
_HEADER_NAME = re.compile(r"[^:\s][^:\r\n]*")
_STATUS_LINE = re.compile(rb"HTTP/1\.\d+[ \t]+(\d{3})(?:[ \t][^\r\n]*)?(?:\r?\n)?")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,15}")


class BadAnswer(Exception):
    """The peer's answer is not a well-formed HTTP/1.x response within the limits."""


class Answer:
    """What came back: the status, and the headers that were asked for (lower-case)."""

    __slots__ = ("headers", "status")

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.status = status
        self.headers = headers


def request_bytes(host: str, path: str, headers: Mapping[str, str], body: bytes) -> bytes:
    """`POST path HTTP/1.1` with `Host`, the headers, `Content-Length` and the body.

    Refuses (ValueError) a path with spaces or control characters and a header name or
    value that could end the header early, as `http.client` does.
    """
    if _DISALLOWED_IN_PATH.search(path):
        raise ValueError(f"the path {path!r} has characters a request line cannot carry")
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}"]
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or "\r" in value or "\n" in value:
            raise ValueError(f"the header {name!r} cannot be sent")
        lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {len(body)}")
    # ASCII for the request line (as http.client), Latin-1 for header values.
    return (
        lines[0].encode("ascii")
        + b"\r\n"
        + "\r\n".join(lines[1:]).encode("latin-1")
        + (b"\r\n\r\n" + body)
    )


class AnswerReader:
    """Reads one answer from `sock`. `status` is set as soon as the status line of the
    final answer has been read, so a caller cut off later still knows it."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = b""
        self._closed = False
        self.status: int | None = None

    def read(self, wanted: frozenset[str], max_body: int) -> Answer:
        """The answer's status and the `wanted` headers; the body is read up to `max_body`
        bytes and dropped."""
        for _ in range(MAX_INTERIM_ANSWERS + 1):
            status = self._status()
            if 100 <= status < 200 and status != 101:
                self._headers(frozenset())
                continue
            self.status = status
            headers = self._headers(wanted | {"content-length", "transfer-encoding"})
            if status not in _NO_BODY and status >= 200:
                self._body(headers, max_body)
            return Answer(status, {k: v for k, v in headers.items() if k in wanted})
        raise BadAnswer(f"more than {MAX_INTERIM_ANSWERS} interim answers")

    # lines

    def _fill(self) -> bool:
        if self._closed:
            return False
        data = self._sock.recv(_RECV_SIZE)
        if not data:
            self._closed = True
            return False
        self._buffer = self._buffer + data if self._buffer else data
        return True

    def _line(self, what: str) -> bytes:
        """The next line, with its line end; b"" when the peer has closed."""
        start = 0
        while True:
            end = self._buffer.find(b"\n", start)
            if end >= 0:
                if end >= MAX_LINE:
                    raise BadAnswer(f"{what} longer than {MAX_LINE} bytes")
                line, self._buffer = self._buffer[: end + 1], self._buffer[end + 1 :]
                return line
            if len(self._buffer) > MAX_LINE:
                raise BadAnswer(f"{what} longer than {MAX_LINE} bytes")
            start = len(self._buffer)
            if not self._fill():
                line, self._buffer = self._buffer, b""
                return line

    def _status(self) -> int:
        line = self._line("status line")
        if not line:
            raise BadAnswer("the connection was closed without an answer")
        match = _STATUS_LINE.fullmatch(line)
        if match is None or int(match.group(1)) < 100:
            raise BadAnswer(f"not an HTTP/1.x status line: {line[:80]!r}")
        return int(match.group(1))

    def _headers(self, wanted: frozenset[str]) -> dict[str, str]:
        headers: dict[str, str] = {}
        last: str | None = None
        for _ in range(MAX_HEADERS + 1):
            line = self._line("header line")
            # The end of the connection ends the headers too; what follows decides.
            if line in (b"\r\n", b"\n", b""):
                return headers
            if line[:1] in (b" ", b"\t"):  # a folded line continues the previous header
                if last is not None:
                    headers[last] += " " + line.strip().decode("latin-1")
                continue
            name, colon, value = line.decode("latin-1").partition(":")
            key = name.strip().lower()
            # The first of repeated headers counts; a line without a colon is ignored.
            last = key if colon and key in wanted and key not in headers else None
            if last is not None:
                headers[key] = value.strip()
        raise BadAnswer(f"more than {MAX_HEADERS} headers")

    # the body

    def _take(self, count: int) -> int:
        """Drop up to `count` body bytes, reading as needed; how many were there."""
        while len(self._buffer) < count and self._fill():
            pass
        taken = min(count, len(self._buffer))
        self._buffer = self._buffer[taken:]
        return taken

    def _body(self, headers: dict[str, str], max_body: int) -> None:
        codings = headers.get("transfer-encoding", "").lower()
        if codings.split(",")[-1].strip() == "chunked":
            self._chunked(max_body)
            return
        length = headers.get("content-length")
        if length is None:
            self._take(max_body)  # to the cap or the end of the connection
            return
        if not length.strip().isdigit():
            self._take(max_body)  # no length to go by: to the cap or the end
            return
        wanted = min(int(length), max_body)
        if self._take(wanted) < wanted:
            raise BadAnswer("the connection was closed before the end of the body")

    def _chunked(self, max_body: int) -> None:
        read = 0
        while read < max_body:
            line = self._line("chunk size line")
            if not line.endswith(b"\n"):
                raise BadAnswer("the connection was closed before the last chunk")
            size_text = line.split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):
                raise BadAnswer(f"a chunk size of {size_text[:40]!r}")
            size = int(size_text, 16)
            if size == 0:
                self._headers(frozenset())  # the trailer, if any
                return
            wanted = min(size, max_body - read)
            if self._take(wanted) < wanted:
                raise BadAnswer("the connection was closed in a chunk")
            read += wanted
            if wanted < size:
                return  # the cap: the rest is not read
            if self._line("chunk end") not in (b"\r\n", b"\n"):
                raise BadAnswer("a chunk not followed by its line end")
