"""API.md §Integrations through HTTP on the real container (SQLite and PostgreSQL).

Local receivers need `webhook_allow_private=True`; the validation cases run with the
real policy and a fake resolver, so names resolve without a network.
"""

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from dependency_injector import providers
from falcon import testing
from sqlalchemy.engine import Engine

from taskhub.bootstrap import ApplicationContainer
from taskhub.contexts.integrations.application.testing.fakes import FakeAddressResolver
from taskhub.entrypoints.wsgi import create_app
from tests.integration.conftest import container_for
from tests.integration.integrations.receiver import Receiver, running_receiver
from tests.integration.world import API, User, add_member, create_org, problem, register
from tests.unit.integrations.hostile_targets import (
    ALL_HOSTILE,
    HOSTILE_ADDRESSES,
    HOSTILE_NAMES,
    MISNAMED_ADDRESSES,
    NAMES,
    Hostile,
)
from tests.unit.integrations.standard_webhooks import reference_verify

WEBHOOK_FIELDS = {
    "id",
    "url",
    "events",
    "description",
    "active",
    "created_at",
    "updated_at",
    "version",
}
DELIVERY_FIELDS = {
    "id",
    "event_id",
    "event_type",
    "status",
    "attempts",
    "response_status",
    "duration_ms",
    "next_attempt_at",
    "created_at",
}
PUBLIC_URL = "https://public.partner.example/hook"


@attrs.define
class Api:
    container: ApplicationContainer
    client: testing.TestClient
    owner: User
    org: dict[str, Any]

    @property
    def hooks(self) -> str:
        return f"{API}/orgs/{self.org['id']}/webhooks"

    def create(self, url: str, events: list[str] | None = None, **extra: Any) -> testing.Result:
        body = {"url": url, "events": events if events is not None else ["*"], **extra}
        return self.client.simulate_post(self.hooks, json=body, headers=self.owner.auth)

    def created(self, url: str, events: list[str] | None = None, **extra: Any) -> dict[str, Any]:
        result = self.create(url, events, **extra)
        assert result.status_code == 201, result.text
        body: dict[str, Any] = result.json
        return body

    def get(self, path: str = "", **params: str) -> testing.Result:
        return self.client.simulate_get(
            f"{self.hooks}{path}", params=params or None, headers=self.owner.auth
        )

    def post(self, path: str, body: Any = None) -> testing.Result:
        return self.client.simulate_post(f"{self.hooks}{path}", json=body, headers=self.owner.auth)

    def patch(self, path: str, body: Any, **headers: str) -> testing.Result:
        return self.client.simulate_patch(
            f"{self.hooks}{path}", json=body, headers={**self.owner.auth, **headers}
        )

    def delete(self, path: str) -> testing.Result:
        return self.client.simulate_delete(f"{self.hooks}{path}", headers=self.owner.auth)

    def deliveries(self, webhook_id: str) -> list[dict[str, Any]]:
        result = self.get(f"/{webhook_id}/deliveries")
        assert result.status_code == 200, result.text
        items: list[dict[str, Any]] = result.json["items"]
        return items

    def dispatch(self) -> int:
        return int(self.container.integrations.dispatcher().run_once())

    def audit(self) -> list[dict[str, Any]]:
        result = self.client.simulate_get(
            f"{API}/orgs/{self.org['id']}/audit-log",
            params={"limit": "100", "entity_type": "webhook"},
            headers=self.owner.auth,
        )
        assert result.status_code == 200, result.text
        items: list[dict[str, Any]] = result.json["items"]
        return items


def api_for(container: ApplicationContainer) -> Api:
    client = testing.TestClient(create_app(container))
    owner = register(client, "owner")
    return Api(container, client, owner, create_org(client, owner))


@pytest.fixture
def local(engine: Engine) -> Api:
    """Private targets allowed: webhooks can point at receivers on 127.0.0.1."""
    return api_for(container_for(engine, webhook_allow_private=True))


@pytest.fixture
def strict(engine: Engine) -> Api:
    """The production policy, names resolved by a fake resolver."""
    container = container_for(engine)
    container.integrations.resolver.override(providers.Object(FakeAddressResolver(NAMES)))
    return api_for(container)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def field_errors(result: testing.Result) -> dict[str, str]:
    body = problem(result, 422, "validation_error")
    return {e["field"]: e["message"] for e in body["errors"]}


# creating and reading


def test_creating_a_webhook_shows_its_secret_once(local: Api, receiver: Receiver) -> None:
    result = local.create(receiver.url, ["task.created", "task.updated"], description="Partner")
    assert result.status_code == 201, result.text
    body = result.json
    assert set(body) == WEBHOOK_FIELDS | {"secret"}
    assert (body["url"], body["events"], body["description"], body["active"], body["version"]) == (
        receiver.url,
        ["task.created", "task.updated"],
        "Partner",
        True,
        1,
    )
    secret = body["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    uuid.UUID(body["id"])

    shown = local.get(f"/{body['id']}")
    assert shown.status_code == 200
    assert set(shown.json) == WEBHOOK_FIELDS
    assert {k: v for k, v in body.items() if k != "secret"} == shown.json
    listed = local.get()
    assert listed.status_code == 200
    assert [set(item) for item in listed.json["items"]] == [WEBHOOK_FIELDS]
    for text in (shown.text, listed.text):
        assert secret not in text
        assert secret.removeprefix("whsec_") not in text


def test_each_webhook_gets_its_own_secret(local: Api, receiver: Receiver) -> None:
    secrets = {local.created(receiver.url)["secret"] for _ in range(3)}
    assert len(secrets) == 3


def test_webhooks_are_listed_oldest_first_in_pages(local: Api, receiver: Receiver) -> None:
    made = [local.created(receiver.url, description=f"n{n}")["id"] for n in range(3)]
    first = local.get(limit="2")
    assert [w["id"] for w in first.json["items"]] == made[:2]
    assert first.json["next_cursor"]
    second = local.get(limit="2", cursor=first.json["next_cursor"])
    assert [w["id"] for w in second.json["items"]] == made[2:]
    assert second.json["next_cursor"] is None


def test_ids_secrets_and_state_cannot_be_assigned(local: Api, receiver: Receiver) -> None:
    result = local.create(receiver.url, id=str(uuid.uuid4()), secret="whsec_AAAA", active=False)
    assert set(field_errors(result)) == {"id", "secret", "active"}
    assert local.get().json["items"] == []


# events


def test_an_unknown_event_type_is_refused_naming_the_known_ones(local: Api) -> None:
    errors = field_errors(local.create("http://127.0.0.1:9/h", ["task.created", "task.exploded"]))
    assert set(errors) == {"events"}
    assert "task.exploded" in errors["events"]
    for known in ("task.created", "comment.created", "member.added", "webhook.ping"):
        assert known in errors["events"]


@pytest.mark.parametrize(
    "events", [[], ["*", "task.created"], ["task.created", "*"], None, "task.created", [1]]
)
def test_events_must_be_a_list_of_types_or_a_lone_star(local: Api, events: Any) -> None:
    body: dict[str, Any] = {"url": "http://127.0.0.1:9/h"}
    if events is not None:
        body["events"] = events
    result = local.client.simulate_post(local.hooks, json=body, headers=local.owner.auth)
    fields = set(field_errors(result))
    assert fields
    assert fields <= {"events", "events[0]"}
    assert local.get().json["items"] == []


def test_star_alone_and_repeated_types_are_accepted(local: Api) -> None:
    assert local.created("http://127.0.0.1:9/h", ["*"])["events"] == ["*"]
    assert local.created("http://127.0.0.1:9/h", ["task.updated", "task.created", "task.updated"])[
        "events"
    ] == ["task.created", "task.updated"]


# the target policy, on create and on change


def expected_refusal(case: Hostile, message: str) -> bool:
    if case in HOSTILE_ADDRESSES + HOSTILE_NAMES:
        return message == case.says
    if case in MISNAMED_ADDRESSES:
        return message.startswith(f"must not point at {case.address}: it is ")
    if case.id == "over-long":
        return "2048" in message  # the request schema's limit answers first
    return case.says in message


def test_every_hostile_target_is_refused_on_create_and_on_change(strict: Api) -> None:
    kept = strict.created(PUBLIC_URL)
    for case in ALL_HOSTILE:
        url = case.at(443)
        created = field_errors(strict.create(url))
        changed = field_errors(strict.patch(f"/{kept['id']}", {"url": url}))
        assert set(created) == {"url"}, (case.id, created)
        assert set(changed) == {"url"}, (case.id, changed)
        assert expected_refusal(case, created["url"]), (case.id, created)
        assert expected_refusal(case, changed["url"]), (case.id, changed)
    assert [w["id"] for w in strict.get().json["items"]] == [kept["id"]]
    after = strict.get(f"/{kept['id']}").json
    assert (after["url"], after["version"]) == (PUBLIC_URL, 1)


def test_public_targets_are_accepted_on_create_and_on_change(strict: Api) -> None:
    kept = strict.created(PUBLIC_URL)
    for url in (
        "https://93.184.215.14/hook",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
        "https://dual.partner.example:8443/in?x=1",
    ):
        assert strict.create(url).status_code == 201, url
        changed = strict.patch(f"/{kept['id']}", {"url": url})
        assert changed.status_code == 200, changed.text
        assert changed.json["url"] == url


def test_without_private_targets_allowed_a_local_receiver_is_refused(strict: Api) -> None:
    errors = field_errors(strict.create("http://127.0.0.1:8080/hooks"))
    assert errors == {"url": "must use https"}
    errors = field_errors(strict.create("https://127.0.0.1:8080/hooks"))
    assert errors == {"url": "must not point at 127.0.0.1: it is a loopback address"}


# changing, deleting


def test_changing_a_webhook(local: Api, receiver: Receiver) -> None:
    hook = local.created(receiver.url, ["task.created"])
    changed = local.patch(
        f"/{hook['id']}",
        {
            "url": receiver.url + "/v2",
            "events": ["task.deleted", "task.created"],
            "active": False,
            "description": "Second thoughts",
        },
    )
    assert changed.status_code == 200, changed.text
    assert set(changed.json) == WEBHOOK_FIELDS
    assert (
        changed.json["url"],
        changed.json["events"],
        changed.json["active"],
        changed.json["description"],
        changed.json["version"],
    ) == (receiver.url + "/v2", ["task.created", "task.deleted"], False, "Second thoughts", 2)
    assert changed.headers.get("etag") == '"2"'
    assert local.get(f"/{hook['id']}").json == changed.json

    reactivated = local.patch(f"/{hook['id']}", {"active": True}, **{"If-Match": '"2"'})
    assert (reactivated.json["active"], reactivated.json["version"]) == (True, 3)
    problem(local.patch(f"/{hook['id']}", {"active": False}, **{"If-Match": '"2"'}), 412)
    assert local.get(f"/{hook['id']}").json["active"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": []}, "events"),
        ({"events": ["task.nope"]}, "events"),
        ({"url": None}, "url"),
        ({"active": None}, "active"),
        ({"secret": "whsec_AAAA"}, "secret"),
        ({"org_id": str(uuid.uuid4())}, "org_id"),
        ({"url": ""}, "url"),
    ],
)
def test_a_change_is_validated(local: Api, receiver: Receiver, body: Any, field: str) -> None:
    hook = local.created(receiver.url)
    assert field in field_errors(local.patch(f"/{hook['id']}", body))
    assert local.get(f"/{hook['id']}").json["version"] == 1


def test_deleting_a_webhook(local: Api, receiver: Receiver) -> None:
    hook = local.created(receiver.url)
    other = local.created(receiver.url)
    deleted = local.delete(f"/{hook['id']}")
    assert deleted.status_code == 204
    assert deleted.text == ""
    problem(local.get(f"/{hook['id']}"), 404, "not_found")
    problem(local.patch(f"/{hook['id']}", {"description": "x"}), 404)
    problem(local.delete(f"/{hook['id']}"), 404)
    problem(local.post(f"/{hook['id']}/ping"), 404)
    problem(local.post(f"/{hook['id']}/rotate-secret"), 404)
    problem(local.get(f"/{hook['id']}/deliveries"), 404)
    assert [w["id"] for w in local.get().json["items"]] == [other["id"]]


def test_an_unknown_webhook_is_404(local: Api) -> None:
    missing = uuid.uuid4()
    for result in (
        local.get(f"/{missing}"),
        local.patch(f"/{missing}", {"description": "x"}),
        local.delete(f"/{missing}"),
        local.post(f"/{missing}/ping"),
        local.post(f"/{missing}/rotate-secret"),
        local.get(f"/{missing}/deliveries"),
        local.post(f"/{missing}/deliveries/{uuid.uuid4()}/redeliver"),
    ):
        problem(result, 404)


# secrets


def test_rotating_the_secret_signs_with_both_for_a_while(local: Api, receiver: Receiver) -> None:
    hook = local.created(receiver.url)
    rotated = local.post(f"/{hook['id']}/rotate-secret")
    assert rotated.status_code == 200, rotated.text
    assert set(rotated.json) == {"secret"}
    new = rotated.json["secret"]
    assert new.startswith("whsec_")
    assert new != hook["secret"]
    assert new not in local.get(f"/{hook['id']}").text

    assert local.post(f"/{hook['id']}/ping").status_code == 202
    assert local.dispatch() == 1
    assert receiver.arrived.wait(5)
    (request,) = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert reference_verify(new, request.headers, request.body)
    assert reference_verify(hook["secret"], request.headers, request.body)


# ping, the delivery log, redelivery


def test_a_ping_is_delivered_and_logged(local: Api, receiver: Receiver) -> None:
    hook = local.created(receiver.url, ["task.created"])
    pinged = local.post(f"/{hook['id']}/ping")
    assert pinged.status_code == 202, pinged.text
    assert set(pinged.json) == DELIVERY_FIELDS
    assert (pinged.json["event_type"], pinged.json["status"], pinged.json["attempts"]) == (
        "webhook.ping",
        "pending",
        0,
    )

    (logged,) = local.deliveries(hook["id"])
    assert set(logged) == DELIVERY_FIELDS
    assert logged["id"] == pinged.json["id"]
    assert (logged["event_type"], logged["status"], logged["response_status"]) == (
        "webhook.ping",
        "pending",
        None,
    )

    assert local.dispatch() == 1
    assert receiver.arrived.wait(5)
    (request,) = receiver.requests
    body = json.loads(request.body)
    assert body["type"] == "webhook.ping"
    assert body["data"] == {"webhook_id": hook["id"]}
    assert request.headers["webhook-id"] == logged["event_id"]
    assert reference_verify(hook["secret"], request.headers, request.body)

    (done,) = local.deliveries(hook["id"])
    assert (done["status"], done["attempts"], done["response_status"]) == ("succeeded", 1, 200)
    assert isinstance(done["duration_ms"], int)
    assert done["duration_ms"] >= 0
    assert done["next_attempt_at"] is None


def test_the_delivery_log_is_newest_first_in_pages(local: Api, receiver: Receiver) -> None:
    hook = local.created(receiver.url)
    pings = [local.post(f"/{hook['id']}/ping").json["id"] for _ in range(3)]
    first = local.get(f"/{hook['id']}/deliveries", limit="2")
    assert [d["id"] for d in first.json["items"]] == pings[::-1][:2]
    second = local.get(f"/{hook['id']}/deliveries", limit="2", cursor=first.json["next_cursor"])
    assert [d["id"] for d in second.json["items"]] == pings[:1]
    assert second.json["next_cursor"] is None


def test_a_failed_attempt_is_logged_as_retrying(local: Api) -> None:
    with running_receiver(lambda n: 503) as failing:
        hook = local.created(failing.url)
        local.post(f"/{hook['id']}/ping")
        assert local.dispatch() == 1
    (logged,) = local.deliveries(hook["id"])
    assert (logged["status"], logged["attempts"], logged["response_status"]) == (
        "retrying",
        1,
        503,
    )
    assert logged["next_attempt_at"] is not None


def test_redelivering_sends_again(local: Api) -> None:
    with running_receiver(lambda n: 500 if n == 1 else 200) as flaky:
        hook = local.created(flaky.url)
        local.post(f"/{hook['id']}/ping")
        assert local.dispatch() == 1
        (failed,) = local.deliveries(hook["id"])
        assert failed["status"] == "retrying"

        redelivered = local.post(f"/{hook['id']}/deliveries/{failed['id']}/redeliver")
        assert redelivered.status_code == 202, redelivered.text
        assert set(redelivered.json) == DELIVERY_FIELDS
        assert (redelivered.json["id"], redelivered.json["status"]) == (failed["id"], "pending")
        assert local.dispatch() == 1
    (done,) = local.deliveries(hook["id"])
    assert (done["status"], done["attempts"], done["response_status"]) == ("succeeded", 2, 200)
    assert [r.headers["webhook-id"] for r in flaky.requests] == [failed["event_id"]] * 2


def test_redelivery_needs_a_delivery_of_this_webhook_and_an_active_webhook(
    local: Api, receiver: Receiver
) -> None:
    hook, other = local.created(receiver.url), local.created(receiver.url)
    delivery = local.post(f"/{hook['id']}/ping").json
    problem(local.post(f"/{other['id']}/deliveries/{delivery['id']}/redeliver"), 404)
    problem(local.post(f"/{hook['id']}/deliveries/{uuid.uuid4()}/redeliver"), 404)
    local.patch(f"/{hook['id']}", {"active": False})
    problem(local.post(f"/{hook['id']}/deliveries/{delivery['id']}/redeliver"), 409)


def test_a_410_disables_the_webhook_and_is_audited(local: Api) -> None:
    with running_receiver(lambda n: 410) as gone:
        hook = local.created(gone.url)
        local.post(f"/{hook['id']}/ping")
        assert local.dispatch() == 1
    shown = local.get(f"/{hook['id']}").json
    assert (shown["active"], shown["version"]) == (False, 2)
    (logged,) = local.deliveries(hook["id"])
    assert (logged["status"], logged["response_status"]) == ("failed", 410)
    disabled = [e for e in local.audit() if e["action"] == "webhook.disabled"]
    assert len(disabled) == 1
    (entry,) = disabled
    assert (entry["entity_id"], entry["actor_type"]) == (hook["id"], "system")
    assert entry["changes"] == {"active": [True, False]}


# who may


def test_only_admins_manage_webhooks(local: Api, receiver: Receiver) -> None:
    hook = local.created(receiver.url)
    for role in ("viewer", "member"):
        user = register(local.client, role)
        add_member(local.client, local.org["id"], local.owner, user, role)
        attempts = [
            local.client.simulate_post(
                local.hooks, json={"url": receiver.url, "events": ["*"]}, headers=user.auth
            ),
            local.client.simulate_get(local.hooks, headers=user.auth),
            local.client.simulate_get(f"{local.hooks}/{hook['id']}", headers=user.auth),
            local.client.simulate_post(
                f"{local.hooks}/{hook['id']}/rotate-secret", headers=user.auth
            ),
            local.client.simulate_get(f"{local.hooks}/{hook['id']}/deliveries", headers=user.auth),
        ]
        for result in attempts:
            problem(result, 403, "forbidden")
            assert hook["secret"] not in result.text
    admin = register(local.client, "admin")
    add_member(local.client, local.org["id"], local.owner, admin, "admin")
    made = local.client.simulate_post(
        local.hooks, json={"url": receiver.url, "events": ["*"]}, headers=admin.auth
    )
    assert made.status_code == 201, made.text


def test_another_organizations_webhook_is_not_found(local: Api, receiver: Receiver) -> None:
    hook = local.created(receiver.url)
    stranger = register(local.client, "stranger")
    theirs = create_org(local.client, stranger)
    path = f"{API}/orgs/{theirs['id']}/webhooks/{hook['id']}"
    problem(local.client.simulate_get(path, headers=stranger.auth), 404)
    problem(local.client.simulate_delete(path, headers=stranger.auth), 404)
    problem(local.client.simulate_post(f"{path}/rotate-secret", headers=stranger.auth), 404)
    assert local.get(f"/{hook['id']}").status_code == 200


# the audit trail


def test_webhook_changes_are_audited_without_secrets(local: Api, receiver: Receiver) -> None:
    hook = local.created(receiver.url, ["task.created"])
    local.patch(f"/{hook['id']}", {"description": "Renamed", "events": ["*"]})
    rotated = local.post(f"/{hook['id']}/rotate-secret").json["secret"]
    local.delete(f"/{hook['id']}")

    entries = local.audit()
    assert [e["action"] for e in reversed(entries)] == [
        "webhook.created",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.deleted",
    ]
    assert {e["entity_id"] for e in entries} == {hook["id"]}
    assert {(e["actor_type"], e["actor_id"]) for e in entries} == {("user", str(local.owner.id))}
    created, updated = entries[-1], entries[-2]
    assert created["changes"]["url"] == [None, receiver.url]
    assert created["changes"]["events"] == [None, ["task.created"]]
    assert updated["changes"] == {
        "description": ["", "Renamed"],
        "events": [["task.created"], ["*"]],
    }
    text = json.dumps(entries)
    for secret in (hook["secret"], rotated):
        assert secret not in text
        assert secret.removeprefix("whsec_") not in text
    verified = local.client.simulate_get(
        f"{API}/orgs/{local.org['id']}/audit-log/verify", headers=local.owner.auth
    )
    assert verified.json["valid"] is True
