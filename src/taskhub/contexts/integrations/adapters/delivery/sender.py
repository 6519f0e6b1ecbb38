"""Sending one delivery over HTTP without letting a target reach where it must not.

The connection goes to an address that was resolved and checked just before (so a
DNS answer that changes between the check and the connect cannot redirect it), with
the original host in the Host header and in TLS SNI and certificate checks.
Redirects are never followed, the answer is read only up to a small cap, and the
whole attempt, connect to last byte, is cut off after 15 seconds. The request and the
answer are written and read by `exchange`, a lean HTTP/1.1 exchange.
"""

import email.utils
import heapq
import itertools
import socket
import ssl
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from taskhub.contexts.integrations.adapters.delivery.exchange import (
    AnswerReader,
    BadAnswer,
    request_bytes,
)
from taskhub.contexts.integrations.application.ports import AttemptResult
from taskhub.contexts.integrations.domain.addresses import Address
from taskhub.contexts.integrations.domain.target import Target

TIMEOUT_SECONDS = 15.0
MAX_RESPONSE_BYTES = 64 * 1024
MAX_ADDRESSES_TRIED = 3
_WANTED_HEADERS = frozenset({"retry-after"})


def _retry_after(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int((moment - datetime.now(UTC)).total_seconds()))


class Watchdog:
    """Shuts the socket of an attempt that runs past its deadline, so a receiver that
    trickles its answer byte by byte (each read within the socket timeout) is cut off.

    One thread watches every attempt in flight: a timer thread per attempt would cost
    a thread start for each delivery.
    """

    def __init__(self) -> None:
        self._wakeup = threading.Condition()
        self._due: list[tuple[float, int, socket.socket]] = []
        self._released: set[int] = set()
        self._tickets = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> int:
        """Shut `sock` at `deadline` (time.monotonic()) unless released first."""
        with self._wakeup:
            ticket = next(self._tickets)
            heapq.heappush(self._due, (deadline, ticket, sock))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="webhook-watchdog", daemon=True
                )
                self._thread.start()
            if self._due[0][1] == ticket:
                self._wakeup.notify()
        return ticket

    def release(self, ticket: int) -> None:
        with self._wakeup:
            self._released.add(ticket)

    def _run(self) -> None:
        with self._wakeup:
            while True:
                while self._due and self._due[0][1] in self._released:
                    self._released.discard(heapq.heappop(self._due)[1])
                if not self._due:
                    self._wakeup.wait()
                    continue
                deadline, _ticket, sock = self._due[0]
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    self._wakeup.wait(remaining)
                    continue
                heapq.heappop(self._due)
                _shut(sock)


class SafeHttpSender:
    def __init__(
        self,
        *,
        timeout: float = TIMEOUT_SECONDS,
        tls: ssl.SSLContext | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._timeout = timeout
        self._tls = tls or ssl.create_default_context()
        self._max_response_bytes = max_response_bytes
        self._watchdog = Watchdog()

    def send(
        self,
        target: Target,
        addresses: Sequence[Address],
        headers: Mapping[str, str],
        body: bytes,
    ) -> AttemptResult:
        started = time.monotonic()
        deadline = started + self._timeout
        default_port = 443 if target.scheme == "https" else 80
        host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
        try:
            request = request_bytes(host_header, target.path, headers, body)
        except ValueError as exc:  # nothing that cannot be sent as it is connects at all
            return AttemptResult(status=None, duration_ms=_ms(started), error=str(exc)[:300])
        error = "no address to connect to"
        for address in addresses[:MAX_ADDRESSES_TRIED]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                error = "timed out"
                break
            try:
                sock = _connect(address, target.port, remaining)
            except OSError as exc:
                error = f"could not connect to {address}: {exc.strerror or type(exc).__name__}"
                continue
            return self._exchange(sock, target, request, started=started, deadline=deadline)
        return AttemptResult(status=None, duration_ms=_ms(started), error=error)

    def _exchange(
        self,
        sock: socket.socket,
        target: Target,
        request: bytes,
        *,
        started: float,
        deadline: float,
    ) -> AttemptResult:
        # A receiver that trickles its answer byte by byte is cut off at the deadline.
        ticket = self._watchdog.watch(sock, deadline)
        reader: AnswerReader | None = None
        try:
            if target.scheme == "https":
                sock = self._tls.wrap_socket(sock, server_hostname=target.host)
            sock.sendall(request)
            # Its status is kept as soon as it is read, so that a status line which came
            # in time is still known when the headers after it are cut off.
            reader = AnswerReader(sock)
            answer = reader.read(_WANTED_HEADERS, self._max_response_bytes)
            return AttemptResult(
                status=answer.status,
                duration_ms=_ms(started),
                retry_after=_retry_after(answer.headers.get("retry-after")),
            )
        except (OSError, BadAnswer, ssl.SSLError, ValueError) as exc:
            timed_out = time.monotonic() >= deadline
            if timed_out and reader is not None and reader.status is not None:
                # The receiver answered in time and trickled the rest past the deadline;
                # whether the cut then reads as an end of stream or as a reset is a
                # race, so the answer is its status either way.
                return AttemptResult(status=reader.status, duration_ms=_ms(started))
            reason = "timed out" if timed_out else f"{type(exc).__name__}: {exc}"[:300]
            return AttemptResult(status=None, duration_ms=_ms(started), error=reason)
        finally:
            self._watchdog.release(ticket)
            sock.close()


def _connect(address: Address, port: int, timeout: float) -> socket.socket:
    """A TCP connection to an address already resolved: no second name lookup."""
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((str(address), port))
    except BaseException:
        sock.close()
        raise
    return sock


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
