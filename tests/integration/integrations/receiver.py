"""A real HTTP receiver on 127.0.0.1 for webhook tests: records requests, answers as told."""

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import attrs


@attrs.define
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@attrs.define
class Receiver:
    url: str
    requests: list[Received]
    answers: list[int]
    arrived: threading.Event


@contextmanager
def running_receiver(answer: Callable[[int], int] | None = None) -> Iterator[Receiver]:
    """A receiver answering `answer(n)` to its n-th request (200 by default)."""
    requests: list[Received] = []
    answers: list[int] = []
    arrived = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            requests.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            status = answer(len(requests)) if answer else 200
            answers.append(status)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
            arrived.set()

        def log_message(self, *_args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(f"http://127.0.0.1:{server.server_port}/hooks", requests, answers, arrived)
    finally:
        server.shutdown()
        server.server_close()
