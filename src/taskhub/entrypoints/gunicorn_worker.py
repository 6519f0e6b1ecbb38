"""The gunicorn worker that `taskhub serve` and deploy/gunicorn.conf.py run.

gunicorn's threaded worker, with the two HTTP edges it would otherwise leave outside
the contract:

- Errors gunicorn raises before the application sees a request (request line or header
  fields too long, malformed HTTP, a broken chunked body) are answered as problem+json
  like every other error, not as gunicorn's HTML page. Which status an error gets, and
  how it is logged, stay gunicorn's: the page it writes is caught and only its status
  line is kept (its message may echo what the client sent).
- A response the application marks `Connection: close` closes the connection. gunicorn
  drops hop-by-hop headers from the application and would keep the connection alive,
  leaving an unread request body to be taken for the next request.
- A request the application turns into a long-lived stream (SSE, WebSocket) is handed
  off: the app calls the `platform.http.hand_off` hook in its environ, gunicorn writes
  nothing, and once the app has returned the worker gives a duplicate of the client
  socket to the stream's taker and closes its own copy (ADR 0033). The request thread
  is free again at once; REST requests run exactly as before. TLS connections are not
  handed off (terminate TLS at the load balancer), so they get 501.
"""

import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

from taskhub.platform.http.hand_off import HAND_OFF, ConnectionTaker
from taskhub.platform.http.media import dumps
from taskhub.platform.http.middleware import request_id_for
from taskhub.platform.http.problems import PROBLEM_JSON, problem_body

_DETAIL_BY_STATUS = {
    400: "The request is not valid HTTP.",
    414: "The request line is longer than this server accepts.",
    431: "The request's header fields are larger than this server accepts.",
}

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


# The hand-off slot of the request this thread is serving (gthread serves one request
# per thread at a time), shared by the worker and its WSGI wrapper.
_serving = threading.local()


class EdgeWorker(ThreadWorker):  # type: ignore[misc]
    """gthread, answering its own errors as problem+json, honouring `Connection: close`,
    and handing streams off."""

    wsgi: WsgiApp  # set by gunicorn's load_wsgi

    def load_wsgi(self) -> None:
        super().load_wsgi()
        self.wsgi = HandingOff(ClosingWhenAsked(self.wsgi))

    def handle_request(self, req: Any, conn: Any) -> bool:
        slot = HandOffSlot(offered=not self.cfg.is_ssl)
        _serving.slot = slot
        try:
            keep_alive: bool = super().handle_request(req, conn)
        finally:
            _serving.slot = None
        if slot.taker is None:
            return keep_alive
        self._release(conn, slot.taker)
        return False

    def _release(self, conn: Any, taker: ConnectionTaker) -> None:
        """Give the stream a duplicate of the socket and close gunicorn's copy without
        the half-close gunicorn would do (a shutdown ends the connection for every copy)."""
        own = conn.sock
        try:
            handed = own.dup()
        except OSError:
            self.log.debug("Client left before its stream began.")
            return
        conn.sock = _Released()
        own.close()
        handed.setblocking(True)
        try:
            taker(handed)
        except Exception:
            self.log.exception("A stream could not take its connection.")
            handed.close()

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        page = _ErrorPage()
        super().handle_error(req, page, addr, exc)
        status = page.status()
        if status is None:
            return
        incoming = _header(req, "X-REQUEST-ID")
        try:
            util.write_nonblock(client, problem_response(status, request_id_for(incoming)))
        except Exception:
            self.log.debug("Failed to send error message.")


class ClosingWhenAsked:
    """Turns the application's `Connection: close` into gunicorn closing the connection.

    gunicorn hands the application the bound `start_response` of its response object;
    `force_close` is how gunicorn itself ends a connection after a response.
    """

    def __init__(self, app: WsgiApp) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            if any(_asks_to_close(name, value) for name, value in headers):
                force_close = getattr(
                    getattr(start_response, "__self__", None), "force_close", None
                )
                if force_close is not None:
                    force_close()
            return start_response(status, headers, *exc_info)

        return self._app(environ, start)


class HandOffSlot:
    """One request's hand-off: the taker the app named, if it took the connection."""

    def __init__(self, *, offered: bool) -> None:
        self.offered = offered
        self.taker: ConnectionTaker | None = None

    def take(self, taker: ConnectionTaker) -> None:
        self.taker = taker


class HandingOff:
    """Offers the app the hand-off hook and, when it is used, keeps gunicorn silent.

    gunicorn's response object is the `start_response`'s `__self__`; marking its head
    sent (and the body unchunked) makes it write nothing for this request.
    """

    def __init__(self, app: WsgiApp) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        slot: HandOffSlot | None = getattr(_serving, "slot", None)
        response = getattr(start_response, "__self__", None)
        if slot is None or not slot.offered or response is None:
            return self._app(environ, start_response)
        environ[HAND_OFF] = slot.take
        result = self._app(environ, start_response)
        if slot.taker is None:
            return result
        close = getattr(result, "close", None)
        if close is not None:
            close()
        response.headers_sent = True
        response.chunked = False
        response.force_close()
        return []


class _Released:
    """What gunicorn holds as the connection's socket once the stream took it: closing
    it does nothing (gunicorn's own copy is already closed)."""

    def setblocking(self, _flag: bool) -> None:
        pass

    def shutdown(self, _how: int) -> None:
        raise OSError("handed off")

    def settimeout(self, _timeout: float | None) -> None:
        pass

    def close(self) -> None:
        pass

    def fileno(self) -> int:
        return -1


def problem_response(status: int, request_id: str) -> bytes:
    """A whole HTTP/1.1 problem+json response, for a connection that ends after it."""
    detail = _DETAIL_BY_STATUS.get(status, HTTPStatus(status).description)
    body = dumps(problem_body(status, detail=detail, request_id=request_id))
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {PROBLEM_JSON}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Request-ID: {request_id}\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "\r\n"
    )
    return head.encode("latin-1") + body


def _asks_to_close(name: str, value: str) -> bool:
    return name.lower() == "connection" and value.strip().lower() == "close"


def _header(req: Any, name: str) -> str | None:
    """A header of gunicorn's parsed request, when there is one (names are upper case)."""
    for field, value in getattr(req, "headers", None) or ():
        if field == name:
            return str(value)
    return None


class _ErrorPage:
    """Stands in for the client socket while gunicorn writes its HTML error page."""

    def __init__(self) -> None:
        self._written = b""

    def gettimeout(self) -> float | None:
        return None

    def setblocking(self, _flag: bool) -> None:
        pass

    def sendall(self, data: bytes) -> None:
        self._written += data

    def status(self) -> int | None:
        """The status of the page gunicorn wrote (`HTTP/1.1 414 URI Too Long`), if any."""
        parts = self._written.split(b" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            return None
        try:
            return HTTPStatus(int(parts[1])).value
        except ValueError:
            return 500
