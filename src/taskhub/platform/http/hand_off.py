"""Handing a request's connection over to a long-lived stream (SSE, WebSocket).

The server that runs the WSGI app (`entrypoints.gunicorn_worker.EdgeWorker`) puts a
`HandOff` in the environ under `HAND_OFF`. A handler that accepts a stream calls it
with what should take the connection; once the app has returned, the server duplicates
the client socket, gives the copy to that taker, and closes its own copy without
writing a response. The request thread is then free: no gunicorn thread waits on an
open stream (ADR 0033). A server without the hook (falcon's TestClient, another WSGI
server) cannot keep a stream open, and the handler answers 501 `streaming_unavailable`.
"""

import socket
from collections.abc import Callable

from taskhub.platform.http.problems import HttpProblem

HAND_OFF = "taskhub.hand_off"

# Called with the client socket (blocking, ours to close), after the app returned.
ConnectionTaker = Callable[[socket.socket], None]
HandOff = Callable[[ConnectionTaker], None]


class StreamingUnavailable(HttpProblem):
    """The server has no hand-off hook, so it cannot serve a stream (501)."""

    code = "streaming_unavailable"
    status = 501


def no_stream(_taker: ConnectionTaker) -> None:
    """The hand-off of a HEAD request: validated like its GET, but nothing is opened."""
