"""Files that hold secrets are readable by their owner only, whatever the umask.

The SQLite database holds password hashes and token digests and the key file holds the
secret key, so neither may be left readable by group or others: a new one is created
0600 (SQLite then gives its -wal and -shm the database's mode), and one found wider,
made by an earlier version or by hand, is narrowed.
"""

import os
import stat
from pathlib import Path

OWNER_ONLY = 0o600


def create_owner_only(path: Path) -> int | None:
    """A descriptor open for writing on a new, empty file of mode 0600; or None when the
    file already exists, after taking group and other access away from it."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        narrow_to_owner(path)
        return None


def narrow_to_owner(path: Path) -> None:
    """Take group and other access away from an existing file (a missing one is skipped)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        path.chmod(mode & 0o700)
