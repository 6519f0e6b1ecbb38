"""Local TCP listeners for outbound-safety tests.

A canary records every connection made to it and answers nothing: a test passes only
if it stays empty. A scripted server hands each accepted connection to a function, for
receivers that misbehave (redirect elsewhere, answer without end, stall).
"""

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import attrs


@attrs.define
class Listener:
    port: int
    connections: list[tuple[str, int]]
    stop: threading.Event

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"


def _accepting(
    server: socket.socket, serve: Callable[[socket.socket], None], listener: Listener
) -> None:
    server.settimeout(0.05)
    while not listener.stop.is_set():
        try:
            connection, peer = server.accept()
        except (TimeoutError, OSError):
            continue
        listener.connections.append((str(peer[0]), int(peer[1])))
        worker = threading.Thread(target=_serve_one, args=(connection, serve), daemon=True)
        worker.start()


def _serve_one(connection: socket.socket, serve: Callable[[socket.socket], None]) -> None:
    with connection, suppress(OSError):
        serve(connection)


def _bind(family: socket.AddressFamily, host: str, port: int) -> socket.socket:
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    server.bind((host, port))
    server.listen(64)
    return server


@contextmanager
def listening(serve: Callable[[socket.socket], None]) -> Iterator[Listener]:
    """Listen on 127.0.0.1 (and on ::1 at the same port, where IPv6 is available)."""
    servers = [_bind(socket.AF_INET, "127.0.0.1", 0)]
    port = servers[0].getsockname()[1]
    with suppress(OSError):
        servers.append(_bind(socket.AF_INET6, "::1", port))
    listener = Listener(port=port, connections=[], stop=threading.Event())
    threads = [
        threading.Thread(target=_accepting, args=(server, serve, listener), daemon=True)
        for server in servers
    ]
    for thread in threads:
        thread.start()
    try:
        yield listener
    finally:
        listener.stop.set()
        for thread in threads:
            thread.join(timeout=2)
        for server in servers:
            server.close()


def _hang_up(connection: socket.socket) -> None:
    return


@contextmanager
def canary() -> Iterator[Listener]:
    """Records any connection and hangs up at once."""
    with listening(_hang_up) as listener:
        yield listener


def read_request(connection: socket.socket, timeout: float = 5.0) -> bytes:
    """The request head and as much body as Content-Length announces."""
    connection.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body
