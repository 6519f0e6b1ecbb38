"""The signing key for access tokens.

With the embedded SQLite default a newcomer should not have to invent a key, so one is
generated once and kept beside the database file (mode 0600); every later start, and
every worker process, reads the same one. A server database has no such neighbour, so
there the key must be configured.
"""

import os
import secrets
from pathlib import Path

from taskhub.platform.owner_only_files import create_owner_only
from taskhub.platform.settings import Settings, SettingsError


def secret_key_path(database_file: Path) -> Path:
    return database_file.with_name(database_file.name + ".secret")


def resolve_secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    if not settings.is_sqlite:
        raise SettingsError(
            [
                "TASKHUB_SECRET_KEY: required when TASKHUB_DATABASE_URL is not SQLite (at least "
                "32 bytes: python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
            ]
        )
    database_file = settings.sqlite_path
    if database_file is None:
        return secrets.token_urlsafe(48)
    return _read_or_create(secret_key_path(database_file))


def _read_or_create(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = create_owner_only(path)
    if fd is None:
        key = path.read_text().strip()
        if len(key.encode()) < 32:
            raise SettingsError(
                [f"{path}: the stored secret key is shorter than 32 bytes"]
            ) from None
        return key
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
