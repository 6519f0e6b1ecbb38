"""`taskhub serve` says what went wrong in one line and exits non-zero, and says
"serving on" only once the port is its own."""

import errno
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from taskhub.entrypoints.serve_preflight import PreflightError, bind_listener
from tests.integration.platform.serve_child import free_port, serve_command, serve_environment

pytestmark = pytest.mark.process


def serve(cwd: Path, port: int, *, wrap: list[str] | None = None, **env: str) -> tuple[int, str]:
    result = subprocess.run(
        [*(wrap or []), *serve_command(port)],
        cwd=cwd,
        env=serve_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stderr + result.stdout


def one_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    assert "serving on" not in output
    return lines[0]


def test_a_port_in_use_is_one_line_and_exit_2_at_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        status, output = serve(tmp_path, port)
        elapsed = time.monotonic() - started
    assert status == 2
    line = one_line(output)
    assert line.startswith(f"taskhub: cannot serve on 127.0.0.1:{port}: the port is already in use")
    assert elapsed < 5, "gunicorn's own retries (five, a second apart) ran"
    assert list(tmp_path.iterdir()) == [], "nothing is created when it cannot serve"


def test_a_bind_that_is_not_host_and_port_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*serve_command(1)[:-1], "localhost"],
        cwd=tmp_path,
        env=serve_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        "taskhub: --bind 'localhost': expected HOST:PORT, such as 127.0.0.1:8000"
    )


def _read_only(directory: Path) -> list[str]:
    """A command prefix under which `directory` is read-only, even for root.

    Without root, taking the write bits away is enough. Root ignores them, so there the
    command runs in a user and mount namespace of its own (`unshare`, no privileges
    needed) in which a read-only tmpfs covers the directory.
    """
    if os.geteuid() != 0:
        directory.chmod(0o555)
        return []
    if shutil.which("unshare") is None:
        pytest.fail("running as root, the read-only test needs `unshare` (util-linux)")
    mount = 'mount -t tmpfs -o ro tmpfs "$0" && cd "$0" && exec "$@"'
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", mount, str(directory)]


def test_a_read_only_directory_is_one_line_naming_it(tmp_path: Path) -> None:
    directory = tmp_path / "read-only"
    directory.mkdir()
    try:
        status, output = serve(directory, free_port(), wrap=_read_only(directory))
    finally:
        directory.chmod(0o755)
    assert status == 2
    line = one_line(output)
    assert line.startswith(f"taskhub: cannot create the SQLite database {directory}/taskhub.db: ")
    assert f"the folder {directory} is not writable" in line
    assert "TASKHUB_DATABASE_URL" in line


def test_a_file_where_the_database_folder_should_be_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    status, output = serve(
        tmp_path, free_port(), TASKHUB_DATABASE_URL=f"sqlite:///{tmp_path}/data/taskhub.db"
    )
    assert status == 2
    assert one_line(output) == (
        f"taskhub: cannot create the SQLite database {tmp_path}/data/taskhub.db: "
        f"{tmp_path}/data is a file, not a folder; "
        "run taskhub in a writable folder or set TASKHUB_DATABASE_URL"
    )


def test_an_attachments_folder_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "taskhub.db.files").write_text("in the way")
    status, output = serve(tmp_path, free_port())
    assert status == 2
    line = one_line(output)
    assert line.startswith(
        f"taskhub: cannot create the attachments' folder {tmp_path}/taskhub.db.files"
    )
    assert "TASKHUB_STORAGE_URL" in line


def test_serving_on_is_said_only_once_the_port_is_bound(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        serve_command(port),
        cwd=tmp_path,
        env=serve_environment(),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        for line in process.stderr:
            if "serving on" in line:
                break
            assert time.monotonic() < deadline, "never said it was serving"
        else:
            pytest.fail(f"exited with {process.wait()} before serving")
        assert line.strip() == f"taskhub: serving on http://127.0.0.1:{port} with 1 worker(s)"
        with socket.socket() as contender, pytest.raises(OSError, match="in use") as refused:
            contender.bind(("127.0.0.1", port))
        assert refused.value.errno == errno.EADDRINUSE
        for _ in range(100):
            try:
                # Generous: a loaded machine may take a while to build the worker's app.
                with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
                    conn.sendall(b"HEAD /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
                    assert conn.recv(64).startswith(b"HTTP/1.1 200")
                    break
            except ConnectionRefusedError:
                time.sleep(0.1)
        else:
            pytest.fail("the server never answered")
    finally:
        process.terminate()
        process.wait(20)
        if process.stderr:
            process.stderr.close()


@pytest.mark.parametrize(
    ("host", "bound"),
    [("localhost", "127.0.0.1"), ("127.0.0.1", "127.0.0.1"), ("", "0.0.0.0")],
)
def test_bind_reads_hosts_as_gunicorn_does(host: str, bound: str) -> None:
    listener = bind_listener(f"{host}:{free_port()}")
    try:
        assert listener.getsockname()[0] == bound
    finally:
        listener.close()


def test_an_ipv6_literal_binds_ipv6() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        listener = bind_listener(f"[::1]:{free_port()}")
    except PreflightError as exc:
        pytest.skip(f"::1 cannot be bound here: {exc}")
    try:
        assert listener.family == socket.AF_INET6
    finally:
        listener.close()
