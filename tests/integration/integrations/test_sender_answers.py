"""The sender's HTTP/1.1 exchange against receivers that answer in every shape: what it
sends, which answers count (and with which status), which are errors, and the limits.

Each receiver is a real listening socket scripted byte for byte.
"""

import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from taskhub.contexts.integrations.adapters.delivery.sender import SafeHttpSender
from taskhub.contexts.integrations.application.ports import AttemptResult
from taskhub.contexts.integrations.domain.target import parse_target
from tests.integration.integrations.listeners import Listener, listening, read_request

LOOPBACK = [ipaddress.ip_address("127.0.0.1")]
HOST = "hooks.partner.example"


def answering(*parts: bytes, pause: float = 0.0) -> Callable[[socket.socket], None]:
    """Reads the request, then sends `parts` one after the other and hangs up."""

    def serve(connection: socket.socket) -> None:
        read_request(connection)
        for part in parts:
            connection.sendall(part)
            if pause:
                time.sleep(pause)

    return serve


def send(
    receiver: Listener, *, timeout: float = 3.0, headers: dict[str, str] | None = None
) -> AttemptResult:
    target = parse_target(f"http://127.0.0.1:{receiver.port}/in", allow_private=True)
    return SafeHttpSender(timeout=timeout).send(target, LOOPBACK, headers or {}, b'{"a":1}')


def exchange(*parts: bytes, pause: float = 0.0, timeout: float = 3.0) -> AttemptResult:
    with listening(answering(*parts, pause=pause)) as receiver:
        return send(receiver, timeout=timeout)


# answers that count


@pytest.mark.parametrize(
    ("answer", "status", "retry_after"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, None),
        (b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 200, None),
        (b"HTTP/1.1 503 \r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n", 503, 7),
        (b"HTTP/1.0 410 Gone\r\n\r\ngone for good", 410, None),
        (b"HTTP/1.1 429 Slow Down\nretry-after:  30 \nContent-Length: 1\n\nx", 429, 30),
        (b"HTTP/1.1 204 No Content\r\nX-A: 1\r\n  continued\r\n\r\n", 204, None),
        (
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
            201,
            None,
        ),
        (b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 202 Accepted\r\n\r\n", 202, None),
        (b"HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\n\r\nuntil the end", 200, None),
        (b"HTTP/1.1 500 Oops\r\nRetry-After: 1\r\nRetry-After: 99\r\n\r\n", 500, 1),
    ],
    ids=[
        "plain",
        "no-reason",
        "empty-reason",
        "http-1.0-to-close",
        "bare-newlines",
        "folded-header",
        "100-continue",
        "103-early-hints",
        "bad-length-read-to-close",
        "first-of-repeated",
    ],
)
def test_answers_that_count(answer: bytes, status: int, retry_after: int | None) -> None:
    result = exchange(answer)
    assert (result.status, result.retry_after, result.error) == (status, retry_after, None)


def test_a_chunked_body_is_read_to_its_last_chunk_and_trailer() -> None:
    answer = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nRetry-After: 3\r\n\r\n"
        b"5;ext=1\r\nhello\r\n"
        b"1A\r\n" + b"z" * 26 + b"\r\n"
        b"0\r\nX-Trailer: yes\r\n\r\n"
    )
    # Sent in pieces, so every boundary falls between two reads somewhere.
    pieces = [answer[i : i + 7] for i in range(0, len(answer), 7)]
    result = exchange(*pieces, pause=0.002)
    assert (result.status, result.retry_after, result.error) == (200, 3, None)


def test_a_huge_chunked_body_is_read_only_up_to_the_cap() -> None:
    sent = {"bytes": 0}

    def flood(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"100000\r\n" + b"x" * 0x100000 + b"\r\n"
        for _ in range(1024):
            connection.sendall(chunk)
            sent["bytes"] += len(chunk)

    with listening(flood) as receiver:
        started = time.monotonic()
        result = send(receiver, timeout=10.0)
        elapsed = time.monotonic() - started
    assert result.status == 200
    assert elapsed < 3.0
    assert sent["bytes"] < 256 * 0x100000


# answers that are errors


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (b"", "closed without an answer"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "before the end of the body"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "closed in a chunk"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello", "line end"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n", "chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "before the last chunk"),
        (b"HTTP/2 200\r\n\r\n", "status line"),
        (b"ICY 200 OK\r\n\r\n", "status line"),
        (b"HTTP/1.1 20 OK\r\n\r\n", "status line"),
        (b"HTTP/1.1 099 Low\r\n\r\n", "status line"),
        (b"hello\r\n", "status line"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"y" * 70_000 + b"\r\n\r\n", "header line longer than"),
        (b"HTTP/1.1 200 " + b"y" * 70_000 + b"\r\n\r\n", "status line longer than"),
        (b"HTTP/1.1 200 OK\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n", "more than 100 headers"),
        (b"HTTP/1.1 100 Continue\r\n\r\n" * 11 + b"HTTP/1.1 200 OK\r\n\r\n", "interim answers"),
    ],
    ids=[
        "closed-before-answering",
        "closed-in-the-body",
        "closed-in-a-chunk",
        "closed-after-a-chunk",
        "bad-chunk-size",
        "closed-before-the-first-chunk",
        "http-2",
        "not-http",
        "two-digit-status",
        "status-below-100",
        "no-status-line",
        "oversized-header",
        "oversized-status-line",
        "too-many-headers",
        "endless-interim-answers",
    ],
)
def test_answers_that_are_errors(answer: bytes, says: str) -> None:
    result = exchange(answer)
    assert result.status is None
    assert result.error is not None
    assert result.error.startswith("BadAnswer: "), result.error
    assert says in result.error


def test_a_peer_that_resets_the_connection_is_an_error() -> None:
    def reset(connection: socket.socket) -> None:
        read_request(connection)
        connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )
        connection.close()

    with listening(reset) as receiver:
        result = send(receiver)
    assert result.status is None
    assert result.error is not None


# the deadline


def test_a_body_trickled_past_the_deadline_keeps_the_status_that_came_in_time() -> None:
    release = threading.Event()

    def trickle(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(b"HTTP/1.1 503 Busy\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            if release.is_set():
                return
            connection.sendall(b"x")
            time.sleep(0.01)

    with listening(trickle) as receiver:
        started = time.monotonic()
        result = send(receiver, timeout=1.0)
        elapsed = time.monotonic() - started
        release.set()
    assert result.status == 503
    assert 0.9 <= elapsed < 2.5


def test_a_chunked_body_that_never_ends_is_cut_off_at_the_deadline() -> None:
    release = threading.Event()

    def slow_chunks(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        while not release.is_set():
            connection.sendall(b"1\r\nx\r\n")
            time.sleep(0.05)

    with listening(slow_chunks) as receiver:
        started = time.monotonic()
        result = send(receiver, timeout=1.0)
        elapsed = time.monotonic() - started
        release.set()
    assert result.status == 200
    assert 0.9 <= elapsed < 2.5


# what is sent


def test_the_request_is_one_post_with_host_headers_length_and_body() -> None:
    seen: list[bytes] = []

    def record(connection: socket.socket) -> None:
        seen.append(read_request(connection))
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    with listening(record) as receiver:
        target = parse_target(f"http://{HOST}:{receiver.port}/in?x=1", allow_private=True)
        result = SafeHttpSender(timeout=2.0).send(
            target,
            LOOPBACK,
            {"content-type": "application/json", "webhook-id": "msg_1"},
            b'{"a":1}',
        )
    assert result.status == 200
    (request,) = seen
    assert request == (
        b"POST /in?x=1 HTTP/1.1\r\n"
        + f"Host: {HOST}:{receiver.port}\r\n".encode()
        + b"content-type: application/json\r\n"
        b"webhook-id: msg_1\r\n"
        b"Content-Length: 7\r\n"
        b"\r\n"
        b'{"a":1}'
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"webhook-id": "a\r\nX-Evil: 1"},
        {"webhook-id": "a\nb"},
        {"bad:name": "x"},
        {" lead": "x"},
        {"": "x"},
    ],
)
def test_a_header_that_could_end_the_head_early_is_never_sent(headers: dict[str, str]) -> None:
    with listening(answering(b"HTTP/1.1 200 OK\r\n\r\n")) as receiver:
        result = send(receiver, headers=headers)
        time.sleep(0.1)
        assert receiver.connections == []
    assert result.status is None
    assert result.error is not None
    assert "cannot be sent" in result.error


# TLS: the checked address, the original name


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=DNS:{HOST}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_https_goes_to_the_checked_address_with_the_name_in_sni_and_host(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    names: list[str | None] = []
    server_tls.sni_callback = lambda _sock, name, _ctx: names.append(name)
    seen: list[bytes] = []

    def serve(connection: socket.socket) -> None:
        with server_tls.wrap_socket(connection, server_side=True) as tls:
            seen.append(read_request(tls))
            tls.sendall(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
            )

    client_tls = ssl.create_default_context(cafile=str(cert))
    with listening(serve) as receiver:
        target = parse_target(f"https://{HOST}:{receiver.port}/in", allow_private=True)
        result = SafeHttpSender(timeout=3.0, tls=client_tls).send(target, LOOPBACK, {}, b"{}")
        other = parse_target(f"https://other.example:{receiver.port}/in", allow_private=True)
        refused = SafeHttpSender(timeout=3.0, tls=client_tls).send(other, LOOPBACK, {}, b"{}")
    assert (result.status, result.error) == (200, None)
    assert names[0] == HOST
    assert f"\r\nHost: {HOST}:{receiver.port}\r\n".encode() in seen[0]
    # A certificate for another name than the target's is refused.
    assert refused.status is None
    assert refused.error is not None
    assert "CERTIFICATE_VERIFY_FAILED" in refused.error or "certificate" in refused.error
