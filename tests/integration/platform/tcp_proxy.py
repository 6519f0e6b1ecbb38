"""A TCP proxy the tests can cut, to take a shared service away from one test only.

Tests of "the broker went away" used to stop the RabbitMQ application on the machine
(`rabbitmqctl stop_app`), which took it away from every other test run and every
developer on the machine too, and needed `rabbitmqctl` and the rights to use it. The
code under test instead connects through this proxy; `down()` drops every connection
made through it and refuses new ones (the port stops listening) until the block ends,
which is what a client sees of a broker that stopped. The broker itself never notices
more than some clients disconnecting.
"""

import contextlib
import socket
import threading
import urllib.parse
from collections.abc import Iterator

_PIECE = 65_536


class CuttableProxy:
    """127.0.0.1:`port` forwards to `upstream` while up; see the module's docstring."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self._upstream = upstream
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener = self._listen(0)
        self.port: int = self._listener.getsockname()[1]
        self._serving = self._serve(self._listener)

    @classmethod
    @contextlib.contextmanager
    def to_url(cls, url: str) -> Iterator["CuttableProxy"]:
        """A proxy to the host and port of `url` (`amqp://user:pw@host:port/vhost`)."""
        parts = urllib.parse.urlsplit(url)
        proxy = cls((parts.hostname or "127.0.0.1", parts.port or 5672))
        try:
            yield proxy
        finally:
            proxy.close()

    def url(self, url: str) -> str:
        """`url` with its host and port replaced by this proxy's."""
        parts = urllib.parse.urlsplit(url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@127.0.0.1:{self.port}" if credentials else f"127.0.0.1:{self.port}"
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))

    @contextlib.contextmanager
    def down(self) -> Iterator[None]:
        """The service unreachable through the proxy for the body of the block."""
        self._stop_listening()
        self._drop_connections()
        try:
            yield
        finally:
            self._listener = self._listen(self.port)
            self._serving = self._serve(self._listener)

    def close(self) -> None:
        self._stop_listening()
        self._drop_connections()

    def connections(self) -> int:
        with self._lock:
            return len(self._open) // 2

    def _listen(self, port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        return listener

    def _serve(self, listener: socket.socket) -> threading.Thread:
        thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        thread.start()
        return thread

    def _stop_listening(self) -> None:
        # shutdown wakes the thread blocked in accept(); close alone may not.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._serving.join(5)

    def _drop_connections(self) -> None:
        with self._lock:
            dropped, self._open = self._open, set()
        for conn in dropped:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: down() or close()
            try:
                server = socket.create_connection(self._upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while piece := source.recv(_PIECE):
                sink.sendall(piece)
        except OSError:
            pass
        finally:
            # One side ended: end both, as a connection to a stopped service would.
            for conn in (source, sink):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            source.close()
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
