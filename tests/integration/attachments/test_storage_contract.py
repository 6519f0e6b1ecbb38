"""The storage contract on the local folder and on S3 (moto's server)."""

import stat
import uuid
from pathlib import Path

import pytest

from taskhub.contexts.attachments.adapters.storage.local import LocalStorage
from taskhub.contexts.attachments.adapters.storage.s3 import S3Storage
from tests.contracts.attachments import ObjectStorageContract, Pieces
from tests.integration.attachments.conftest import new_bucket, s3_url


class TestLocalStorage(ObjectStorageContract):
    @pytest.fixture
    def storage(self, tmp_path: Path) -> LocalStorage:
        return LocalStorage(tmp_path / "files")


class TestS3Storage(ObjectStorageContract):
    @pytest.fixture
    def storage(self, s3_endpoint: str) -> S3Storage:
        return S3Storage(s3_url(s3_endpoint, new_bucket(s3_endpoint)))

    def test_a_file_larger_than_a_part_streams_in_parts(self, storage: S3Storage) -> None:
        name, data = f"{uuid.uuid4()}/{uuid.uuid4()}", bytes(range(256)) * 40_000  # 10 MB
        storage.write(name, Pieces(data), content_type="application/octet-stream")
        assert storage.size_of(name) == len(data)
        assert b"".join(storage.read(name, 8_388_600, 8_388_700)) == data[8_388_600:8_388_701]


def test_the_folder_and_its_files_are_the_owners_alone(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    name = f"{uuid.uuid4()}/{uuid.uuid4()}"
    storage.write(name, Pieces(b"secret"), content_type="text/plain")
    for path in (tmp_path / "files", (tmp_path / "files" / name).parent):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "files" / name).stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "files" / name).parent.iterdir()] == [name.split("/")[1]]


def test_keys_that_are_not_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ids"):
        LocalStorage(tmp_path).size_of("../../etc/passwd")
