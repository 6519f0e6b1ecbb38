"""Plumbing for webhook fault tests: a recording receiver, an organization subscribed to
its own events, `taskhub worker` processes, a RabbitMQ virtual host per test, and a
committer that keeps changing tasks while the faults happen."""

import base64
import hashlib
import hmac
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.integrations.adapters.sql.tables import deliveries
from taskhub.contexts.work.application.task_commands import CreateTask
from taskhub.contexts.work.domain.task import Task
from taskhub.contexts.work.domain.values import ProjectStatus
from taskhub.platform.messaging.tables import outbox
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from tests.integration.conftest import TEST_SECRET

BROKER_URL = os.environ.get("TASKHUB_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
RABBITMQCTL_TIMEOUT = 120


def wait_until(condition: Callable[[], bool], timeout: float, message: str) -> float:
    """Poll `condition` until it holds; returns the seconds it took, fails after `timeout`."""
    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{message} (after {timeout:.0f} s)")


def signature_is_valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(part, expected) for part in headers["webhook-signature"].split())


# The receiver


@attrs.frozen
class Arrival:
    """One POST as the receiver saw it, and what it answered."""

    headers: dict[str, str]
    body: bytes
    status: int
    at: float  # time.monotonic() when the request had been read

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")

    @property
    def payload(self) -> dict[str, object]:
        return json.loads(self.body)  # type: ignore[no-any-return]

    @property
    def entity_id(self) -> str:
        data = self.payload.get("data")
        return str(data.get("id")) if isinstance(data, dict) else ""


class RecordingReceiver:
    """A threaded HTTP server on 127.0.0.1 that records every POST.

    `answer(n)` gives the status of the n-th request (1-based); 200 by default. A
    sender that dies mid-request (a SIGKILLed worker) is shrugged off.
    """

    def __init__(self, answer: Callable[[int], int] | None = None) -> None:
        self._answer = answer or (lambda _n: 200)
        self._lock = threading.Lock()
        self._arrivals: list[Arrival] = []
        self._ids: set[str] = set()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request: nothing was delivered
                    self.close_connection = True
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver._record(headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"ok")
                self.close_connection = True

            def log_message(self, *_args: object) -> None:
                return

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128

            def handle_error(self, request: object, client_address: object) -> None:
                return  # a sender killed mid-request; nothing to answer

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hooks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _record(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            status = self._answer(len(self._arrivals) + 1)
            self._arrivals.append(Arrival(headers, body, status, time.monotonic()))
            if 200 <= status < 300:
                self._ids.add(headers.get("webhook-id", ""))
        return status

    def __enter__(self) -> "RecordingReceiver":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def arrivals(self) -> list[Arrival]:
        with self._lock:
            return list(self._arrivals)

    def acknowledged(self) -> int:
        """How many distinct webhook-ids were answered with a 2xx."""
        with self._lock:
            return len(self._ids)


# An organization with a project and a webhook


@attrs.frozen
class SubscribedOrganization:
    container: ApplicationContainer
    actor: Actor
    project_id: uuid.UUID
    webhook_id: uuid.UUID
    secret: str

    def create_task(self, title: str) -> Task:
        task: Task = self.container.work.tasks().create(
            self.actor, CreateTask(project_id=self.project_id, title=title)
        )
        return task


def subscribed_organization(
    container: ApplicationContainer, url: str, events: list[str]
) -> SubscribedOrganization:
    owner = uuid.uuid4()
    org = container.tenancy.organizations().found(
        owner, name="Partner test", slug=f"partner-{uuid.uuid4().hex[:12]}"
    )
    actor = Actor(Principal(kind=PrincipalKind.USER, user_id=owner), org.id, Role.OWNER)
    project = container.work.projects().create(
        actor, key="HOOK", name="Hooked", description="", status=ProjectStatus.ACTIVE
    )
    webhook = container.integrations.webhooks().create(
        actor, url=url, events=events, description="fault tests"
    )
    return SubscribedOrganization(container, actor, project.id, webhook.id, webhook.secret)


# What the database says


def delivery_statuses(engine: Engine, webhook_id: uuid.UUID) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(deliveries.c.status, sa.func.count())
            .where(deliveries.c.webhook_id == webhook_id)
            .group_by(deliveries.c.status)
        ).all()
    return {status: int(count) for status, count in rows}


def unpublished_events(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(sa.func.count()).where(outbox.c.published_at.is_(None))
            ).scalar_one()
        )


def published_event_ids(engine: Engine, event_type: str) -> set[str]:
    with engine.connect() as connection:
        return {
            str(event_id)
            for event_id in connection.execute(
                sa.select(outbox.c.event_id).where(outbox.c.event_type == event_type)
            ).scalars()
        }


# RabbitMQ


def rabbitmqctl_available() -> bool:
    return shutil.which("rabbitmqctl") is not None


def rabbitmqctl(*args: str) -> None:
    subprocess.run(
        ["rabbitmqctl", *args], check=True, capture_output=True, timeout=RABBITMQCTL_TIMEOUT
    )


def broker_url_for_vhost(vhost: str, base: str = BROKER_URL) -> str:
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(
        (parts.scheme, parts.netloc, "/" + urllib.parse.quote(vhost, safe=""), "", "")
    )


@contextmanager
def private_vhost() -> Iterator[str]:
    """A RabbitMQ virtual host of this test's own: no other run's worker competes for
    its queues, and nothing it leaves behind outlives it."""
    vhost = f"taskhub-faults-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    user = urllib.parse.urlsplit(BROKER_URL).username or "guest"
    rabbitmqctl("add_vhost", vhost)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
        yield broker_url_for_vhost(vhost)
    finally:
        # The broker may still be closing the test's connections: retry before failing.
        for attempt in range(3):
            try:
                rabbitmqctl("delete_vhost", vhost)
                break
            except subprocess.CalledProcessError as exc:
                if attempt == 2:
                    raise AssertionError(f"delete_vhost {vhost}: {exc.stderr!r}") from exc
                time.sleep(2)


# `taskhub worker` processes


class WorkerProcess:
    """`taskhub worker` as a child process, restartable; each run logs to its own file."""

    def __init__(self, database_url: str, broker_url: str, directory: Path, **env: str) -> None:
        self._env = {k: v for k, v in os.environ.items() if not k.startswith("TASKHUB_")}
        self._env.update(
            TASKHUB_DATABASE_URL=database_url,
            TASKHUB_BROKER_URL=broker_url,
            TASKHUB_SECRET_KEY=TEST_SECRET,
            TASKHUB_WEBHOOK_ALLOW_PRIVATE="true",
            **env,
        )
        self._directory = directory
        self._process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.logs: list[Path] = []

    def start(self) -> None:
        assert self._process is None, "already running"
        self.starts += 1
        log = self._directory / f"worker-{self.starts}.log"
        self.logs.append(log)
        with log.open("wb") as sink:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "taskhub.entrypoints.cli", "worker"],
                cwd=self._directory,
                env=self._env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL: no clean-up, no goodbye, leases and unacknowledged messages left behind."""
        assert self._process is not None, "not running"
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(10)
        self._process = None

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(10)
        self._process = None

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        if not self.logs or not self.logs[-1].exists():
            return ""
        return "\n".join(self.logs[-1].read_text(errors="replace").splitlines()[-lines:])


# Committing while the faults happen


class PacedCommitter(threading.Thread):
    """Creates `total` tasks at up to `rate` per second, never beyond the gate the test
    opens, so there are events both before and after every fault."""

    def __init__(self, create: Callable[[int], Task], total: int, rate: float) -> None:
        super().__init__(name="committer", daemon=True)
        self._create = create
        self.total = total
        self._rate = rate
        self._gate = threading.Condition()
        self._allowed = 0
        self._stopped = False
        self.tasks: list[Task] = []
        self.error: BaseException | None = None

    @property
    def committed(self) -> int:
        return len(self.tasks)

    def allow(self, count: int) -> None:
        with self._gate:
            self._allowed = max(self._allowed, min(count, self.total))
            self._gate.notify_all()

    def abandon(self) -> None:
        with self._gate:
            self._stopped = True
            self._gate.notify_all()

    def _may_commit(self, index: int) -> bool:
        return index < self._allowed or self._stopped

    def run(self) -> None:
        started = time.monotonic()
        try:
            for index in range(self.total):
                with self._gate:
                    self._gate.wait_for(partial(self._may_commit, index))
                    if self._stopped:
                        return
                self.tasks.append(self._create(index))
                pause = started + (index + 1) / self._rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
        except BaseException as exc:
            self.error = exc

    def finish(self, timeout: float) -> None:
        self.allow(self.total)
        self.join(timeout)
        if self.error is not None:
            raise AssertionError(f"committing failed: {self.error!r}") from self.error
        assert not self.is_alive(), f"committing did not finish within {timeout:.0f} s"
