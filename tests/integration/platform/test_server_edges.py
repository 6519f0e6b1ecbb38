"""The HTTP edges of `taskhub serve`, spoken to over raw sockets.

Body framing, the size limit and the errors gunicorn raises before the application
sees a request can only be seen on a real connection: what goes over the wire and
whether the server keeps the connection afterwards.
"""

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.integration.platform.test_server_process import Server

pytestmark = pytest.mark.process

LIMIT = 4096
REGISTER = "/api/v1/auth/register"


@attrs.frozen
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class PlainGunicorn(Server):
    """The WSGI app under plain gunicorn with deploy/gunicorn.conf.py, migrated first."""

    def command(self) -> list[str]:
        config = Path(__file__).parents[3] / "deploy" / "gunicorn.conf.py"
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "taskhub.entrypoints.wsgi:application()",
            "-c",
            str(config),
        ]

    def environ(self) -> dict[str, str]:
        return {
            **super().environ(),
            "TASKHUB_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "1",
        }

    def start(self) -> None:
        migrate = [sys.executable, "-m", "taskhub.entrypoints.cli", "migrate"]
        subprocess.run(migrate, cwd=self.cwd, env=self.environ(), check=True, capture_output=True)
        super().start()


@pytest.fixture(scope="module", params=[Server, PlainGunicorn], ids=["serve", "gunicorn-conf"])
def server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Server]:
    kind: type[Server] = request.param
    server = kind(Path(tmp_path_factory.mktemp("edges")), {"TASKHUB_MAX_BODY_BYTES": str(LIMIT)})
    server.start()
    yield server
    server.stop()


def connect(server: Server) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    conn.settimeout(10)
    return conn


def read_answer(conn: socket.socket) -> Answer:
    """One response, framed by its Content-Length (every answer here has one)."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        assert piece, f"connection closed before a full response head: {data!r}"
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers["content-length"])
    while len(rest) < length:
        piece = conn.recv(65536)
        assert piece, "connection closed inside the response body"
        rest += piece
    assert len(rest) == length, "bytes beyond the response"
    return Answer(status=int(status_line.split(" ")[1]), headers=headers, body=rest)


def is_closed(conn: socket.socket) -> bool:
    """Whether the server ended the connection (a FIN, or a reset) rather than waiting."""
    try:
        return conn.recv(1) == b""
    except ConnectionResetError:
        return True


def head(method: str, path: str, *fields: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *fields]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunked(body: bytes, size: int) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def registration(email: str) -> bytes:
    return json.dumps({"email": email, "password": "first try 1", "name": "Chunk"}).encode()


def assert_problem(answer: Answer, status: int) -> dict[str, Any]:
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,128}", answer.headers["x-request-id"])
    problem: dict[str, Any] = answer.json()
    assert set(problem) == {"type", "title", "status", "detail", "code", "request_id"}
    assert problem["status"] == status
    assert problem["request_id"] == answer.headers["x-request-id"]
    assert "<" not in answer.body.decode()
    return problem


def test_a_chunked_json_post_is_read_like_one_with_a_content_length(server: Server) -> None:
    with connect(server) as conn:
        plain = registration("plain@example.com")
        conn.sendall(
            head(
                "POST",
                REGISTER,
                "Content-Type: application/json",
                f"Content-Length: {len(plain)}",
            )
            + plain
        )
        by_length = read_answer(conn)

        conn.sendall(
            head("POST", REGISTER, "Content-Type: application/json", "Transfer-Encoding: chunked")
            + chunked(registration("chunked@example.com"), 7)
        )
        by_chunks = read_answer(conn)

        # Both answered alike, and the connection still serves the next request.
        conn.sendall(head("GET", "/health/live"))
        after = read_answer(conn)

    assert (by_length.status, by_chunks.status) == (201, 201), by_chunks.body
    assert by_chunks.json()["user"]["email"] == "chunked@example.com"
    assert by_chunks.json().keys() == by_length.json().keys()
    assert after.status == 200


def test_a_chunked_body_over_the_limit_is_413_and_the_connection_closes(server: Server) -> None:
    body = b'{"name": "' + b"x" * (LIMIT + 100) + b'"}'
    with connect(server) as conn:
        conn.sendall(
            head("POST", REGISTER, "Content-Type: application/json", "Transfer-Encoding: chunked")
            + chunked(body, 1000)
        )
        answer = read_answer(conn)
        assert answer.headers["connection"] == "close"
        assert is_closed(conn)
    assert assert_problem(answer, 413)["code"] == "payload_too_large"


def test_a_content_length_over_the_limit_is_413_and_the_connection_closes(
    server: Server,
) -> None:
    with connect(server) as conn:
        # Answered from the head alone: the body is never sent, let alone read.
        conn.sendall(
            head(
                "POST",
                REGISTER,
                "Content-Type: application/json",
                f"Content-Length: {LIMIT * 100}",
            )
        )
        answer = read_answer(conn)
        assert answer.headers["connection"] == "close"
        assert is_closed(conn)
    assert assert_problem(answer, 413)["code"] == "payload_too_large"


def test_a_request_line_too_long_is_a_414_problem(server: Server) -> None:
    with connect(server) as conn:
        conn.sendall(head("GET", "/api/v1/" + "a" * 10_000))
        answer = read_answer(conn)
    assert assert_problem(answer, 414)["code"] == "uri_too_long"


def test_headers_too_large_are_a_431_problem(server: Server) -> None:
    with connect(server) as conn:
        conn.sendall(head("GET", "/health/live", "X-Big: " + "b" * 20_000))
        answer = read_answer(conn)
    assert assert_problem(answer, 431)["code"] == "request_header_fields_too_large"


def test_too_many_headers_are_a_431_problem(server: Server) -> None:
    with connect(server) as conn:
        conn.sendall(head("GET", "/health/live", *(f"X-N{i}: {i}" for i in range(200))))
        answer = read_answer(conn)
    assert_problem(answer, 431)


def test_a_garbage_request_line_is_a_400_problem_that_echoes_nothing(server: Server) -> None:
    with connect(server) as conn:
        conn.sendall(b"<script>alert(1)</script>\r\n\r\n")
        answer = read_answer(conn)
    problem = assert_problem(answer, 400)
    assert problem["code"] == "bad_request"
    assert "script" not in answer.body.decode()


def test_a_broken_chunked_body_is_a_400_problem_and_the_connection_closes(
    server: Server,
) -> None:
    with connect(server) as conn:
        conn.sendall(
            head("POST", REGISTER, "Content-Type: application/json", "Transfer-Encoding: chunked")
            + b"zz\r\n{}\r\n0\r\n\r\n"
        )
        answer = read_answer(conn)
        assert is_closed(conn)
    assert_problem(answer, 400)
