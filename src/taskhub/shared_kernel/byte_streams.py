"""Bytes that arrive a piece at a time: an upload read from the request as it comes.

Use cases that store files take a `ByteSource` so the whole file is never held in
memory; the HTTP platform hands them one that stops at the upload limit.
"""

from typing import Protocol

PIECE_BYTES = 64 * 1024


class ByteSource(Protocol):
    def read(self, size: int, /) -> bytes:
        """At most `size` bytes; b"" at the end."""
        ...
