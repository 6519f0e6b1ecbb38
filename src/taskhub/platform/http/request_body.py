"""Reading a request body within the size limit, whatever its framing.

A body comes with a `Content-Length` or, chunked, without one. Falcon's bounded stream
goes by `Content-Length` alone and reads a chunked body as empty, so a body without a
length is read from the raw stream instead, when the server says that stream ends where
the body does (`wsgi.input_terminated`, which gunicorn sets). Either way it is read in
bounded pieces, never more than the limit and one byte, so both framings are answered
alike.
"""

from typing import Protocol

import falcon

from taskhub.platform.http.problems import LengthRequired, PayloadTooLarge, UnreadableBody

_PIECE = 64 * 1024


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


def read_body(req: falcon.Request, max_bytes: int) -> bytes:
    length = req.content_length
    if length is not None and length > max_bytes:
        raise _too_large(max_bytes)
    if length is None and not req.env.get("wsgi.input_terminated"):
        if req.get_header("Transfer-Encoding"):
            # A body is coming, and this server gives no way to tell where it ends.
            raise LengthRequired("Send the request body with a Content-Length.")
        return b""
    stream: _Readable = req.bounded_stream if length is not None else req.stream
    data = _read(stream, max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return data


def _read(stream: _Readable, at_most: int) -> bytes:
    pieces: list[bytes] = []
    size = 0
    try:
        while size < at_most:
            piece = stream.read(min(_PIECE, at_most - size))
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
    except Exception as error:
        # The server's own parser found the framing broken (a bad chunk size, a missing
        # terminator) or the client went away mid-body; servers share no base class for
        # that, and either way it is the request that is at fault.
        raise UnreadableBody(
            "The request body could not be read: it is not validly framed."
        ) from error
    return b"".join(pieces)


def _too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body is larger than {max_bytes} bytes.")
