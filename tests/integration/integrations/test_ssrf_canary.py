"""Outbound safety at connect time, watched by a canary listening on 127.0.0.1 (and ::1).

A target is checked again when it is delivered to, against the addresses actually
connected to: a name that moved to loopback after the webhook was created (DNS
rebinding), or any hostile target stored some other way, never reaches the canary.
Redirects are not followed, answers are read only up to a cap, and a receiver that
stalls is cut off.
"""

import ipaddress
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from dependency_injector import providers
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.integrations.adapters.delivery.resolver import SystemResolver
from taskhub.contexts.integrations.adapters.delivery.sender import SafeHttpSender
from taskhub.contexts.integrations.adapters.sql.unit_of_work import SqlIntegrationsUnitOfWork
from taskhub.contexts.integrations.application.testing.fakes import FakeAddressResolver
from taskhub.contexts.integrations.domain.addresses import Address
from taskhub.contexts.integrations.domain.delivery import Delivery, DeliveryStatus
from taskhub.contexts.integrations.domain.target import MAX_URL_LENGTH, Target, parse_target
from taskhub.contexts.integrations.domain.webhook import Webhook
from taskhub.entrypoints.wsgi import create_app
from taskhub.shared_kernel.pagination import PageRequest
from tests.integration.conftest import WEBHOOK_BOX, container_for
from tests.integration.integrations.listeners import Listener, canary, listening, read_request
from tests.integration.world import API, create_org, register
from tests.unit.integrations.hostile_targets import (
    ALL_HOSTILE,
    HOSTILE_ADDRESSES,
    HOSTILE_NAMES,
    MISNAMED_ADDRESSES,
    NAMES,
    NUMERIC_FORMS,
    PUBLIC_V4,
)

HOST = "hooks.partner.example"


class NamesThenSystem:
    """The fake's names; the numeric forms go to the system's resolver, as they would."""

    def __init__(self, fake: FakeAddressResolver, numeric_hosts: set[str]) -> None:
        self._fake = fake
        self._numeric = numeric_hosts
        self._system = SystemResolver()

    def resolve(self, host: str, port: int) -> list[Address]:
        if host in self._numeric:
            return self._system.resolve(host, port)
        return self._fake.resolve(host, port)


@pytest.fixture
def watch() -> Iterator[Listener]:
    with canary() as listener:
        yield listener


def deliveries_of(engine: Engine, org_id: uuid.UUID, webhook_id: uuid.UUID) -> list[Delivery]:
    with SqlIntegrationsUnitOfWork(engine, box=WEBHOOK_BOX, read_only=True) as uow:
        return uow.deliveries.page(org_id, webhook_id, PageRequest(limit=100)).items


def store_webhook(engine: Engine, url: str) -> tuple[Webhook, Delivery]:
    """A webhook and one due delivery, written past the API (as an older row might be)."""
    webhook = Webhook.create(
        org_id=uuid.uuid4(),
        url=url,
        events=("*",),
        description="",
        secret="whsec_" + "A" * 43 + "=",
        now=datetime.now(UTC),
    )
    delivery = Delivery.schedule(
        webhook_id=webhook.id,
        org_id=webhook.org_id,
        event_id=uuid.uuid4(),
        event_type="task.created",
        ordering_key="task-1",
        position=1,
        payload={"type": "task.created", "timestamp": "2026-11-22T10:00:00Z", "data": {}},
        now=datetime.now(UTC),
    )
    with SqlIntegrationsUnitOfWork(engine, box=WEBHOOK_BOX) as uow:
        uow.webhooks.add(webhook)
        uow.deliveries.add_if_absent(delivery)
        uow.commit()
    return webhook, delivery


def run_dispatcher(container: ApplicationContainer) -> int:
    dispatcher = container.integrations.dispatcher()
    attempted = 0
    while (batch := dispatcher.run_once()) > 0:
        attempted += batch
    return attempted


# connect-time checks through the real container


@pytest.mark.parametrize("rebound", ["127.0.0.1", "::1", "::ffff:127.0.0.1", "0.0.0.0", "::"])
def test_a_name_rebound_to_loopback_after_creation_is_never_connected_to(
    engine: Engine, watch: Listener, rebound: str
) -> None:
    resolver = FakeAddressResolver({HOST: (PUBLIC_V4,)})
    container = container_for(engine)
    container.integrations.resolver.override(providers.Object(resolver))
    client = testing.TestClient(create_app(container))
    owner = register(client, "owner")
    org = create_org(client, owner)
    hooks = f"{API}/orgs/{org['id']}/webhooks"

    created = client.simulate_post(
        hooks, json={"url": f"https://{HOST}:{watch.port}/in", "events": ["*"]}, headers=owner.auth
    )
    assert created.status_code == 201, created.text
    resolver.point(HOST, rebound)
    pinged = client.simulate_post(f"{hooks}/{created.json['id']}/ping", headers=owner.auth)
    assert pinged.status_code == 202, pinged.text

    assert container.integrations.dispatcher().run_once() == 1

    (listed,) = client.simulate_get(
        f"{hooks}/{created.json['id']}/deliveries", headers=owner.auth
    ).json["items"]
    assert (listed["status"], listed["attempts"], listed["response_status"]) == (
        "retrying",
        1,
        None,
    )
    (stored,) = deliveries_of(engine, uuid.UUID(org["id"]), uuid.UUID(created.json["id"]))
    shown = ipaddress.ip_address(rebound)
    assert stored.last_error is not None
    assert stored.last_error.startswith(f"must not point at {shown} ({HOST} resolves there): it ")
    assert watch.connections == []


def test_the_canary_does_see_a_target_that_is_allowed(engine: Engine, watch: Listener) -> None:
    # The control: with private targets allowed, the same path does reach the canary.
    container = container_for(engine, webhook_allow_private=True)
    webhook, delivery = store_webhook(engine, f"http://127.0.0.1:{watch.port}/in")
    assert run_dispatcher(container) == 1
    deadline = time.monotonic() + 2
    while not watch.connections and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(watch.connections) == 1
    (stored,) = deliveries_of(engine, webhook.org_id, webhook.id)
    assert (stored.id, stored.status, stored.response_status) == (
        delivery.id,
        DeliveryStatus.RETRYING,
        None,
    )


def test_no_hostile_target_ever_reaches_the_canary(engine: Engine, watch: Listener) -> None:
    cases = [
        case
        for case in ALL_HOSTILE + NUMERIC_FORMS
        if len(case.at(watch.port)) <= MAX_URL_LENGTH  # longer ones cannot even be stored
    ]
    numeric_hosts = {
        urllib.parse.urlsplit(case.at(watch.port)).hostname or "" for case in NUMERIC_FORMS
    }
    container = container_for(engine)
    container.integrations.resolver.override(
        providers.Object(NamesThenSystem(FakeAddressResolver(NAMES), numeric_hosts))
    )
    container.integrations.sender.override(providers.Object(SafeHttpSender(timeout=1.0)))
    stored = {case.id: store_webhook(engine, case.at(watch.port))[0] for case in cases}

    assert run_dispatcher(container) == len(cases)

    exact = {case.id for case in HOSTILE_ADDRESSES + HOSTILE_NAMES}
    misnamed = {case.id for case in MISNAMED_ADDRESSES}
    numeric = {case.id for case in NUMERIC_FORMS}
    for case in cases:
        (delivery,) = deliveries_of(engine, stored[case.id].org_id, stored[case.id].id)
        assert (delivery.status, delivery.response_status) == (DeliveryStatus.RETRYING, None)
        error = delivery.last_error or ""
        if case.id in exact:
            assert error == case.says, case.id
        elif case.id in misnamed:
            assert error.startswith(f"must not point at {case.address}: it is "), case.id
        elif case.id in numeric:
            assert error.startswith(f"must not point at {case.says} ("), (case.id, error)
        else:
            assert case.says in error, (case.id, error)
    assert watch.connections == []


# the sender itself


def target_for(listener: Listener) -> Target:
    return parse_target(f"http://127.0.0.1:{listener.port}/hooks", allow_private=True)


def test_the_sender_connects_to_the_checked_address_not_to_the_name(watch: Listener) -> None:
    # "localhost" is the canary's address to the system; the checked address is another.
    target = parse_target(f"http://localhost:{watch.port}/hooks", allow_private=True)
    result = SafeHttpSender(timeout=2.0).send(
        target, [ipaddress.ip_address("127.0.0.2")], {}, b"{}"
    )
    assert result.status is None
    assert result.error is not None
    assert result.error.startswith("could not connect to 127.0.0.2")
    assert watch.connections == []


def answering(
    status: int, extra_headers: str = "", seen: list[bytes] | None = None
) -> Callable[[socket.socket], None]:
    def serve(connection: socket.socket) -> None:
        request = read_request(connection)
        if seen is not None:
            seen.append(request)
        connection.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Length: 2\r\n{extra_headers}"
            "Connection: close\r\n\r\nok".encode()
        )

    return serve


def test_the_name_goes_in_the_host_header_and_a_refused_address_is_skipped() -> None:
    seen: list[bytes] = []
    with listening(answering(204, seen=seen)) as receiver:
        target = parse_target(f"http://{HOST}:{receiver.port}/in?x=1", allow_private=True)
        result = SafeHttpSender(timeout=2.0).send(
            target,
            [ipaddress.ip_address("127.0.0.2"), ipaddress.ip_address("127.0.0.1")],
            {"webhook-id": "evt-1"},
            b'{"a":1}',
        )
    assert result.status == 204
    (request,) = seen
    head = request.decode().lower()
    assert head.startswith("post /in?x=1 http/1.1\r\n")
    assert f"\r\nhost: {HOST}:{receiver.port}\r\n" in head
    assert "\r\nwebhook-id: evt-1\r\n" in head
    assert request.endswith(b'{"a":1}')


def test_a_redirect_is_not_followed(engine: Engine, watch: Listener) -> None:
    container = container_for(engine, webhook_allow_private=True)
    seen: list[bytes] = []
    redirect = f"Location: http://127.0.0.1:{watch.port}/stolen\r\n"
    with listening(answering(302, redirect, seen)) as receiver:
        webhook, _ = store_webhook(engine, receiver.url)
        assert container.integrations.dispatcher().run_once() == 1
    (delivery,) = deliveries_of(engine, webhook.org_id, webhook.id)
    assert (delivery.status, delivery.response_status, delivery.attempts) == (
        DeliveryStatus.RETRYING,
        302,
        1,
    )
    assert len(seen) == 1
    time.sleep(0.2)
    assert watch.connections == []


def test_a_huge_answer_is_read_only_up_to_the_cap() -> None:
    sent = {"bytes": 0}
    finished = threading.Event()

    def flood(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n")
        chunk = b"x" * 1_048_576
        try:
            for _ in range(2048):  # 2 GiB, far more than anyone should read
                connection.sendall(chunk)
                sent["bytes"] += len(chunk)
        finally:
            finished.set()

    with listening(flood) as receiver:
        started = time.monotonic()
        result = SafeHttpSender(timeout=10.0).send(
            target_for(receiver),
            [ipaddress.ip_address("127.0.0.1")],
            {},
            b"{}",
        )
        elapsed = time.monotonic() - started
        assert finished.wait(5)
    assert result.status == 200
    assert elapsed < 3.0
    assert sent["bytes"] < 512 * 1_048_576


def test_an_answer_without_end_is_read_only_up_to_the_cap() -> None:
    def endless(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        while True:
            connection.sendall(b"y" * 65536)

    with listening(endless) as receiver:
        started = time.monotonic()
        result = SafeHttpSender(timeout=10.0).send(
            target_for(receiver),
            [ipaddress.ip_address("127.0.0.1")],
            {},
            b"{}",
        )
    assert result.status == 200
    assert time.monotonic() - started < 3.0


def test_a_receiver_that_never_answers_is_cut_off() -> None:
    release = threading.Event()

    def stall(connection: socket.socket) -> None:
        read_request(connection)
        release.wait(10)

    with listening(stall) as receiver:
        started = time.monotonic()
        result = SafeHttpSender(timeout=1.0).send(
            target_for(receiver),
            [ipaddress.ip_address("127.0.0.1")],
            {},
            b"{}",
        )
        elapsed = time.monotonic() - started
        release.set()
    assert (result.status, result.error) == (None, "timed out")
    assert 0.9 <= elapsed < 2.5
    assert 900 <= result.duration_ms < 2500


def trickling(
    message: bytes, every: float, release: threading.Event
) -> Callable[[socket.socket], None]:
    def serve(connection: socket.socket) -> None:
        read_request(connection)
        for byte in message:
            if release.is_set():
                return
            connection.sendall(bytes([byte]))
            time.sleep(every)

    return serve


def test_a_receiver_that_trickles_its_status_line_is_cut_off_at_the_deadline() -> None:
    # A byte every 0.2 s never lets a read time out: only the overall deadline ends it.
    release = threading.Event()
    status_line = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    with listening(trickling(status_line, 0.2, release)) as receiver:
        started = time.monotonic()
        result = SafeHttpSender(timeout=1.0).send(
            target_for(receiver), [ipaddress.ip_address("127.0.0.1")], {}, b"{}"
        )
        elapsed = time.monotonic() - started
        release.set()
    assert (result.status, result.error) == (None, "timed out")
    assert 0.9 <= elapsed < 2.5


def test_a_receiver_that_trickles_its_headers_is_cut_off_with_the_status_it_sent() -> None:
    release = threading.Event()
    endless_headers = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: y\r\n" * 1000
    with listening(trickling(endless_headers, 0.005, release)) as receiver:
        started = time.monotonic()
        result = SafeHttpSender(timeout=1.0).send(
            target_for(receiver), [ipaddress.ip_address("127.0.0.1")], {}, b"{}"
        )
        elapsed = time.monotonic() - started
        release.set()
    assert elapsed < 2.5
    assert 900 <= result.duration_ms < 2500
    assert result.status == 200


def test_a_refused_connection_is_an_error_not_an_answer() -> None:
    with canary() as closed:
        port = closed.port
    target = parse_target(f"http://127.0.0.1:{port}/hooks", allow_private=True)
    result = SafeHttpSender(timeout=1.0).send(target, [ipaddress.ip_address("127.0.0.1")], {}, b"")
    assert result.status is None
    assert result.error is not None
    assert result.error.startswith("could not connect to 127.0.0.1")
