"""The storage a URL names: `file:///folder` (local) or `s3://bucket?...` (S3)."""

import urllib.parse
from pathlib import Path

from taskhub.contexts.attachments.adapters.storage.local import LocalStorage
from taskhub.contexts.attachments.adapters.storage.s3 import S3Storage


def open_storage(url: str) -> LocalStorage | S3Storage:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "s3":
        return S3Storage(url)
    return LocalStorage(Path(urllib.parse.unquote(parsed.path)))
