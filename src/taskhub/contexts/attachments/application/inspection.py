"""What an upload is learned while it streams: its size, its SHA-256 and its first bytes
(for sniffing its type), without holding more than those first bytes."""

import hashlib

from taskhub.shared_kernel.byte_streams import ByteSource

HEAD_BYTES = 8192


class InspectedSource:
    """Reads `source` for the storage, noting size, digest and head on the way."""

    def __init__(self, source: ByteSource) -> None:
        self._source = source
        self._digest = hashlib.sha256()
        self.size = 0
        self.head = b""

    def read(self, size: int = -1, /) -> bytes:
        piece = self._source.read(size)
        self.take(piece)
        return piece

    def take(self, piece: bytes) -> None:
        self._digest.update(piece)
        self.size += len(piece)
        if len(self.head) < HEAD_BYTES:
            self.head += piece[: HEAD_BYTES - len(self.head)]

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()
