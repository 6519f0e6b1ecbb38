"""The contract every implementation of attachments' object storage keeps.

Run against the in-memory fake (tests/unit) and the local folder and S3 on a real
S3-compatible server (tests/integration): a fake that passes here behaves like storage.
Subclasses provide a `storage` fixture.
"""

import uuid

import pytest

from taskhub.contexts.attachments.application.ports import ObjectStorage


def key() -> str:
    return f"{uuid.uuid4()}/{uuid.uuid4()}"


class Pieces:
    """A source that yields `data` in small pieces, or fails after `fail_after` bytes."""

    def __init__(self, data: bytes, *, fail_after: int | None = None) -> None:
        self._data = data
        self._at = 0
        self._fail_after = fail_after

    def read(self, size: int, /) -> bytes:
        if self._fail_after is not None and self._at >= self._fail_after:
            raise RuntimeError("the client went away")
        piece = self._data[self._at : self._at + min(size, 1000)]
        self._at += len(piece)
        return piece


class ObjectStorageContract:
    def test_what_is_written_reads_back_whole_and_by_range(self, storage: ObjectStorage) -> None:
        name, data = key(), bytes(range(256)) * 300
        storage.write(name, Pieces(data), content_type="application/octet-stream")
        assert storage.size_of(name) == len(data)
        assert b"".join(storage.read(name, 0, len(data) - 1)) == data
        assert b"".join(storage.read(name, 100, 199)) == data[100:200]
        assert b"".join(storage.read(name, len(data) - 1, len(data) - 1)) == data[-1:]

    def test_a_failed_write_leaves_nothing(self, storage: ObjectStorage) -> None:
        name = key()
        with pytest.raises(RuntimeError):
            storage.write(name, Pieces(b"x" * 5000, fail_after=3000), content_type="text/plain")
        assert storage.size_of(name) is None

    def test_delete_removes_and_tolerates_a_missing_object(self, storage: ObjectStorage) -> None:
        name = key()
        storage.write(name, Pieces(b"gone soon"), content_type="text/plain")
        storage.delete(name)
        assert storage.size_of(name) is None
        storage.delete(name)
        storage.delete(key())

    def test_an_empty_object_has_size_zero(self, storage: ObjectStorage) -> None:
        name = key()
        storage.write(name, Pieces(b""), content_type="text/plain")
        assert storage.size_of(name) == 0

    def test_ready_when_it_answers(self, storage: ObjectStorage) -> None:
        storage.check()
