"""The cuttable proxy: it forwards, `down()` drops and refuses, and afterwards it
forwards again on the same port; through it, RabbitMQ goes away for one client only."""

import os
import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest
from kombu import Connection

from tests.conftest import service_unavailable
from tests.integration.platform.tcp_proxy import CuttableProxy

BROKER_URL = os.environ.get("TASKHUB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def echo() -> Iterator[tuple[str, int]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[0], server.server_address[1]
    server.shutdown()
    server.server_close()


def _round_trip(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
        conn.sendall(b"ping")
        return conn.recv(16)


def test_it_forwards_cuts_refuses_and_comes_back_on_the_same_port(echo: tuple[str, int]) -> None:
    proxy = CuttableProxy(echo)
    try:
        assert _round_trip(proxy.port) == b"ping"
        held = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
        held.sendall(b"a")
        assert held.recv(1) == b"a"
        with proxy.down():
            assert held.recv(1) == b""  # dropped
            with pytest.raises(ConnectionRefusedError):
                _round_trip(proxy.port)
        held.close()
        assert _round_trip(proxy.port) == b"ping"
    finally:
        proxy.close()


@pytest.mark.rabbitmq
def test_rabbitmq_goes_away_for_the_proxied_client_only() -> None:
    direct = Connection(BROKER_URL, connect_timeout=3)
    try:
        direct.ensure_connection(max_retries=1)
    except Exception as exc:
        service_unavailable("RabbitMQ", exc)
    with CuttableProxy.to_url(BROKER_URL) as proxy:
        proxied = Connection(proxy.url(BROKER_URL), connect_timeout=3)
        proxied.ensure_connection(max_retries=1)
        with proxy.down():
            with pytest.raises(Exception, match=r"(?i)refused|reset|closed|timed out"):
                Connection(proxy.url(BROKER_URL), connect_timeout=2).ensure_connection(
                    max_retries=1
                )
            direct.default_channel.queue_declare(queue="", exclusive=True)  # still up
        again = Connection(proxy.url(BROKER_URL), connect_timeout=3)
        again.ensure_connection(max_retries=1)
        again.release()
        proxied.release()
    direct.release()


def test_url_swaps_only_host_and_port() -> None:
    proxy = CuttableProxy(("127.0.0.1", 9))
    try:
        assert (
            proxy.url("amqp://u:p@broker:5672/v%2Fh") == f"amqp://u:p@127.0.0.1:{proxy.port}/v%2Fh"
        )
    finally:
        proxy.close()
