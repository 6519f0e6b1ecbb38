"""Real clients of a running server: JSON over HTTP, an SSE reader, and accounts."""

import http.client
import json
import queue
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import attrs

API = "/api/v1"
PASSWORD = "first try 1"


def call(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + API + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


@attrs.frozen
class Account:
    id: str
    email: str
    token: str


def register(base: str, name: str) -> Account:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    status, body = call(
        base, "POST", "/auth/register", {"email": email, "password": PASSWORD, "name": name}
    )
    assert status == 201, body
    return Account(id=body["user"]["id"], email=email, token=body["access_token"])


def sign_in(base: str, account: Account) -> str:
    status, body = call(base, "POST", "/auth/login", {"email": account.email, "password": PASSWORD})
    assert status == 200, body
    token: str = body["access_token"]
    return token


def create_org(base: str, owner: Account) -> str:
    slug = f"org-{uuid.uuid4().hex[:10]}"
    status, body = call(base, "POST", "/orgs", {"name": slug.title(), "slug": slug}, owner.token)
    assert status == 201, body
    org_id: str = body["id"]
    return org_id


def add_member(base: str, org_id: str, by: Account, user: Account, role: str) -> None:
    status, body = call(
        base, "POST", f"/orgs/{org_id}/members", {"email": user.email, "role": role}, by.token
    )
    assert status == 201, body


def create_label(base: str, org_id: str, by: Account, name: str) -> None:
    status, body = call(
        base, "POST", f"/orgs/{org_id}/labels", {"name": name, "color": "#336699"}, by.token
    )
    assert status == 201, body


def feed(base: str, org_id: str, token: str) -> list[dict[str, Any]]:
    """The organization's whole feed, oldest first."""
    items: list[dict[str, Any]] = []
    after = ""
    while True:
        status, body = call(base, "GET", f"/orgs/{org_id}/events?limit=100{after}", None, token)
        assert status == 200, body
        items.extend(body["items"])
        if not body.get("next_cursor"):
            return items
        after = f"&cursor={body['next_cursor']}"


class SseReader:
    """Reads a text/event-stream over a plain HTTP connection, in a thread: events go to
    `events`, comment lines to `comments`; `ended` is set at the end of the stream."""

    def __init__(self, base: str, path: str, headers: dict[str, str]) -> None:
        host, port = base.removeprefix("http://").split(":")
        self._connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self._connection.request("GET", API + path, headers=headers)
        self.response = self._connection.getresponse()
        self.status = self.response.status
        self.headers = {k.lower(): v for k, v in self.response.getheaders()}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.comments: list[tuple[float, str]] = []
        self.ended = threading.Event()
        self.ended_at: float | None = None
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.body = json.loads(self.response.read() or b"null")
            self._connection.close()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            while True:
                line = self.response.fp.readline()
                if not line:
                    break
                text = line.decode().rstrip("\n")
                if text.startswith(":"):
                    self.comments.append((time.monotonic(), text))
                elif text == "":
                    if "data" in fields:
                        self.events.put(
                            {
                                "id": fields.get("id"),
                                "event": fields.get("event"),
                                "data": json.loads(fields["data"]),
                            }
                        )
                    fields = {}
                else:
                    name, _, value = text.partition(": ")
                    fields[name] = value
        except OSError:
            pass
        finally:
            self.ended_at = time.monotonic()
            self.ended.set()

    def take(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        taken = []
        while len(taken) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"only {len(taken)} of {count} events arrived: {taken}"
            try:
                taken.append(self.events.get(timeout=remaining))
            except queue.Empty:
                continue
        return taken

    def close(self) -> None:
        try:
            if self._connection.sock is not None:
                self._connection.sock.close()
        finally:
            self._connection.close()
