"""What `taskhub serve` makes sure of before it says it is serving.

Each failure is a `PreflightError` whose text is one line naming what failed and where,
for the command line to print instead of a traceback:

- the folders it writes to on the embedded defaults (the SQLite file with its key file
  beside it, and the attachments' folder) can be written, checked by creating a file
  there, which is the only test that also holds for root and read-only mounts;
- the address is bound, by this process, before anything is announced: the socket is
  handed to gunicorn as an inherited descriptor (`fd://N`), so "serving on" is printed
  only once the port is ours, and a port already taken is reported at once instead
  of after gunicorn's five retries.
"""

import errno
import os
import socket
import tempfile
import urllib.parse
from pathlib import Path

from taskhub.platform.secret_key import secret_key_path
from taskhub.platform.settings import Settings


class PreflightError(Exception):
    """One line saying what cannot be done, where, and what to do about it."""


def check_writable_folders(settings: Settings) -> None:
    database = settings.sqlite_path
    if database is not None:
        database = database.absolute()
        _require_writable_folder(
            database.parent,
            f"cannot create the SQLite database {database}",
            "run taskhub in a writable folder or set TASKHUB_DATABASE_URL",
        )
        for existing in (database, secret_key_path(database)):
            if existing.exists() and not os.access(existing, os.R_OK | os.W_OK):
                raise PreflightError(
                    f"cannot write the SQLite database's file {existing}: permission denied"
                )
    storage = urllib.parse.urlsplit(settings.storage_location)
    if storage.scheme == "file":
        folder = Path(urllib.parse.unquote(storage.path))
        _require_writable_folder(
            folder,
            f"cannot create the attachments' folder {folder}",
            "run taskhub in a writable folder or set TASKHUB_STORAGE_URL",
        )


def _require_writable_folder(folder: Path, what: str, remedy: str) -> None:
    """Makes `folder` (mode 0700, as storage would) and creates a file in it, or says why not."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTDIR):
            problem = f"{_first_non_folder(folder)} is a file, not a folder"
        else:
            made = exc.filename if isinstance(exc.filename, str) else folder
            problem = f"the folder {made} cannot be created ({_reason(exc)})"
        raise PreflightError(f"{what}: {problem}; {remedy}") from None
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".taskhub-write-check-"):
            pass
    except OSError as exc:
        problem = f"the folder {folder} is not writable ({_reason(exc)})"
        raise PreflightError(f"{what}: {problem}; {remedy}") from None


def _reason(exc: OSError) -> str:
    return os.strerror(exc.errno) if exc.errno else str(exc)


def _first_non_folder(folder: Path) -> str:
    for candidate in (*reversed(folder.parents), folder):
        if candidate.exists() and not candidate.is_dir():
            return str(candidate)
    return str(folder)


def bind_listener(bind: str) -> socket.socket:
    """A TCP socket bound to `HOST:PORT` (IPv6 as `[::1]:8000`), not yet listening.

    Not listening yet: until gunicorn takes it over, a client is refused rather than
    left waiting in the backlog while migrations run.
    """
    host, port = _split_bind(bind)
    # As gunicorn decides: IPv6 only for an IPv6 literal, so `localhost` is 127.0.0.1.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        infos = socket.getaddrinfo(
            host, port, family=family, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise PreflightError(
            f"cannot serve on {bind}: unknown host {host!r} ({exc.strerror})"
        ) from None
    family, kind, proto, _, address = infos[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError as exc:
        listener.close()
        raise PreflightError(f"cannot serve on {bind}: {_bind_reason(exc)}") from None
    return listener


def _split_bind(bind: str) -> tuple[str, int]:
    host, separator, port = bind.rpartition(":")
    host = host.strip("[]")
    if not separator or not port.isdigit() or not 0 < int(port) < 65536:
        raise PreflightError(f"--bind {bind!r}: expected HOST:PORT, such as 127.0.0.1:8000")
    return host or "0.0.0.0", int(port)  # noqa: S104 - ":8000" means every interface


def _bind_reason(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "the port is already in use by another process; stop it or choose another --bind"
    if exc.errno == errno.EACCES:
        return "permission denied (ports below 1024 need privileges); choose a port above 1023"
    if exc.errno == errno.EADDRNOTAVAIL:
        return "the address is not one of this machine's"
    return _reason(exc)
