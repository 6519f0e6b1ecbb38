"""The partner guide's code works on real deliveries.

docs/webhooks.md shows partners how to verify a delivery: a Python function (the first
```python block) and `openssl` commands. Both are taken from the guide as written and
run against requests a local receiver captured from the real dispatcher.
"""

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from sqlalchemy.engine import Engine

from taskhub.entrypoints.worker import MessagingThreads
from tests.integration.conftest import container_for
from tests.integration.integrations.delivery_harness import (
    Arrival,
    RecordingReceiver,
    SubscribedOrganization,
    subscribed_organization,
    wait_until,
)

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def code_blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(GUIDE.read_text()) if lang == language]


def shell_block(*needles: str) -> str:
    """The first shell block of the guide that mentions every one of `needles`."""
    for block in code_blocks("sh"):
        if all(needle in block for needle in needles):
            return block
    raise AssertionError(f"the guide has no sh block with {needles}")


@attrs.frozen
class Guide:
    verify: Callable[..., dict[str, Any]]
    invalid: type[Exception]


@pytest.fixture(scope="module")
def guide() -> Guide:
    namespace: dict[str, Any] = {"__name__": "partner_snippet"}
    exec(compile(code_blocks("python")[0], str(GUIDE), "exec"), namespace)
    return Guide(namespace["verify_webhook"], namespace["InvalidWebhook"])


@attrs.frozen
class Captured:
    org: SubscribedOrganization
    receiver: RecordingReceiver
    deliver: Callable[[str], Arrival]


@pytest.fixture
def captured(engine: Engine) -> Iterator[Captured]:
    """Changes made through the application, delivered by the real dispatcher."""
    container = container_for(
        engine, webhook_allow_private=True, broker_url=f"memory://{uuid.uuid4().hex}"
    )
    with RecordingReceiver() as receiver:
        org = subscribed_organization(container, receiver.url, ["task.created"])
        threads = MessagingThreads(container)
        threads.start()

        def deliver(title: str) -> Arrival:
            task = org.create_task(title)
            wait_until(
                lambda: any(a.entity_id == str(task.id) for a in receiver.arrivals),
                30,
                "the task.created delivery never arrived",
            )
            return next(a for a in receiver.arrivals if a.entity_id == str(task.id))

        try:
            assert threads.consumer_ready.wait(10)
            yield Captured(org, receiver, deliver)
        finally:
            threads.stop()


def run_sh(script: str, cwd: Path, env: dict[str, str]) -> str:
    """Run a block of the guide as a partner would paste it into bash; its stdout."""
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()


def stamp(arrival: Arrival) -> int:
    return int(arrival.headers["webhook-timestamp"])


def test_the_guides_python_verifies_a_real_delivery_and_rejects_forgeries(
    guide: Guide, captured: Captured
) -> None:
    arrival = captured.deliver("Verify me")
    secret = captured.org.secret

    event = guide.verify(secret, arrival.headers, arrival.body)
    assert event["type"] == "task.created"
    assert event["data"]["title"] == "Verify me"
    assert set(event) == {"type", "timestamp", "data"}
    shouted = {name.upper(): value for name, value in arrival.headers.items()}
    assert guide.verify([secret], shouted, arrival.body) == event  # header case, a list

    tampered = arrival.body.replace(b"Verify me", b"Verify me!")
    with pytest.raises(guide.invalid, match="signature"):
        guide.verify(secret, arrival.headers, tampered)
    with pytest.raises(guide.invalid, match="signature"):
        guide.verify(secret, {**arrival.headers, "webhook-id": str(uuid.uuid4())}, arrival.body)
    wrong = "whsec_" + "A" * 43 + "="
    with pytest.raises(guide.invalid, match="signature"):
        guide.verify(wrong, arrival.headers, arrival.body)

    # Stale: the same genuine request, five minutes and one second later (or earlier).
    assert guide.verify(secret, arrival.headers, arrival.body, now=stamp(arrival) + 299)
    with pytest.raises(guide.invalid, match="5 minutes"):
        guide.verify(secret, arrival.headers, arrival.body, now=stamp(arrival) + 301)
    with pytest.raises(guide.invalid, match="5 minutes"):
        guide.verify(secret, arrival.headers, arrival.body, now=stamp(arrival) - 301)
    old = {**arrival.headers, "webhook-timestamp": str(stamp(arrival) - 3600)}
    with pytest.raises(guide.invalid):
        guide.verify(secret, old, arrival.body)

    # Any one of the space-separated v1 signatures will do; other versions never.
    signature = arrival.headers["webhook-signature"]
    padded = {**arrival.headers, "webhook-signature": f"v1,Zm9yZ2Vk {signature}"}
    assert guide.verify(secret, padded, arrival.body) == event
    other_version = {**arrival.headers, "webhook-signature": signature.replace("v1,", "v2,")}
    with pytest.raises(guide.invalid, match="signature"):
        guide.verify(secret, other_version, arrival.body)
    missing = {k: v for k, v in arrival.headers.items() if k != "webhook-signature"}
    with pytest.raises(guide.invalid, match="webhook-signature"):
        guide.verify(secret, missing, arrival.body)


def test_during_a_rotation_either_secret_verifies_a_real_delivery(
    guide: Guide, captured: Captured
) -> None:
    old_secret = captured.org.secret
    rotated = captured.org.container.integrations.webhooks().rotate_secret(
        captured.org.actor, captured.org.webhook_id
    )
    arrival = captured.deliver("Signed twice")

    assert len(arrival.headers["webhook-signature"].split(" ")) == 2
    event = guide.verify(old_secret, arrival.headers, arrival.body)
    assert guide.verify(rotated.secret, arrival.headers, arrival.body) == event
    assert guide.verify(["whsec_" + "A" * 43 + "=", rotated.secret], arrival.headers, arrival.body)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
def test_the_guides_openssl_command_prints_the_signature_of_a_real_delivery(
    captured: Captured, tmp_path: Path
) -> None:
    arrival = captured.deliver("Check me by hand")
    (tmp_path / "body.json").write_bytes(arrival.body)
    env = {
        **os.environ,
        "WEBHOOK_SECRET": captured.org.secret,
        "WEBHOOK_ID": arrival.headers["webhook-id"],
        "WEBHOOK_TIMESTAMP": arrival.headers["webhook-timestamp"],
    }
    printed = run_sh(shell_block("openssl dgst"), tmp_path, env)
    assert f"v1,{printed}" in arrival.headers["webhook-signature"].split(" ")

    # The same command on a tampered body prints something else.
    (tmp_path / "body.json").write_bytes(arrival.body.replace(b"Check me", b"Check me!"))
    tampered = run_sh(shell_block("openssl dgst"), tmp_path, env)
    assert tampered
    assert tampered != printed


@pytest.mark.skipif(
    shutil.which("openssl") is None or shutil.which("curl") is None,
    reason="needs openssl and curl",
)
def test_the_guides_curl_test_request_passes_the_guides_verification(
    guide: Guide, tmp_path: Path
) -> None:
    secret = "whsec_" + "c2VjcmV0LWZvci10aGUtZ3VpZGUtY3VybC1leGFtcGxl"
    with RecordingReceiver() as receiver:
        run_sh(
            shell_block("curl", "openssl dgst"),
            tmp_path,
            {**os.environ, "WEBHOOK_URL": receiver.url, "WEBHOOK_SECRET": secret},
        )
        (arrival,) = receiver.arrivals
    assert guide.verify(secret, arrival.headers, arrival.body)["type"] == "webhook.ping"
