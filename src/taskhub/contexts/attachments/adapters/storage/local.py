"""Object storage in a local folder: the embedded default, nothing to configure.

Objects are files under the folder, named by their key (ids only, checked here too),
readable by the server's user alone (folders 0700, files 0600). A write goes to a
temporary file in the same folder and is renamed into place once complete, so a reader
never sees half a file and a failed upload leaves nothing behind.
"""

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from taskhub.shared_kernel.byte_streams import PIECE_BYTES, ByteSource

_KEY = re.compile(r"^[0-9a-f-]{36}/[0-9a-f-]{36}$")


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self._root = root
        self._made = False

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("storage keys are made of ids")
        return self._root / key

    def _ensure_root(self) -> None:
        """Made on first use, not when the app is built: a process that never stores a
        file (a command, a test) leaves no folder behind."""
        if not self._made:
            self._root.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._root.chmod(0o700)
            self._made = True

    def write(self, key: str, source: ByteSource, *, content_type: str) -> None:
        path = self._path(key)
        self._ensure_root()
        path.parent.mkdir(mode=0o700, exist_ok=True)
        partial = path.parent / f".{path.name}.{secrets.token_hex(8)}.part"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                while piece := source.read(PIECE_BYTES):
                    file.write(piece)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def read(self, key: str, first: int, last: int) -> Iterator[bytes]:
        with self._path(key).open("rb") as file:
            file.seek(first)
            left = last - first + 1
            while left > 0:
                piece = file.read(min(PIECE_BYTES, left))
                if not piece:
                    return
                left -= len(piece)
                yield piece

    def size_of(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def download_url(
        self, key: str, *, filename: str, content_type: str, expires_in: int
    ) -> str | None:
        return None

    def check(self) -> None:
        self._ensure_root()
        probe = self._root / f".ready-{secrets.token_hex(4)}"
        probe.write_bytes(b"")
        probe.unlink()
