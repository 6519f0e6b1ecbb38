"""Standard Webhooks signatures, checked against an implementation written from the spec."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from taskhub.contexts.integrations.adapters.delivery.secrets import RandomSecrets
from taskhub.contexts.integrations.application.testing.fakes import FakeSecrets
from taskhub.contexts.integrations.domain.signing import headers, secret_key, sign
from taskhub.contexts.integrations.domain.webhook import Webhook
from tests.unit.integrations.standard_webhooks import reference_signature, reference_verify

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
# The example secret of the Standard Webhooks reference libraries.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_reference_reproduces_the_specifications_example() -> None:
    assert reference_signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_the_specifications_example_is_signed_the_same() -> None:
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


@pytest.mark.parametrize(
    "body",
    [
        b"{}",
        b'{"type":"task.created","data":{"title":"caf\xc3\xa9 \xe2\x98\x95"}}',
        b"",
        bytes(range(256)),
    ],
)
def test_signatures_match_the_reference(body: bytes) -> None:
    secret = RandomSecrets().new_secret()
    msg_id = str(uuid.uuid4())
    assert sign(secret, msg_id, 1_800_000_000, body) == reference_signature(
        secret, msg_id, 1_800_000_000, body
    )


def test_each_signed_part_matters() -> None:
    secret, other = FakeSecrets().new_secret(), RandomSecrets().new_secret()
    base = sign(secret, "m1", 100, b"{}")
    assert len({base, sign(other, "m1", 100, b"{}")}) == 2
    assert len({base, sign(secret, "m2", 100, b"{}")}) == 2
    assert len({base, sign(secret, "m1", 101, b"{}")}) == 2
    assert len({base, sign(secret, "m1", 100, b"{ }")}) == 2


def test_headers_carry_the_id_the_timestamp_and_the_signature() -> None:
    secret = RandomSecrets().new_secret()
    body = b'{"type":"webhook.ping"}'
    sent = headers([secret], "evt-1", 1_800_000_000, body)
    assert sent["webhook-id"] == "evt-1"
    assert sent["webhook-timestamp"] == "1800000000"
    assert sent["content-type"] == "application/json"
    assert sent["webhook-signature"] == reference_signature(secret, "evt-1", 1_800_000_000, body)
    assert reference_verify(secret, sent, body)
    assert not reference_verify(secret, sent, body + b" ")


def test_secrets_are_whsec_and_at_least_24_random_bytes() -> None:
    generated = {RandomSecrets().new_secret() for _ in range(50)}
    assert len(generated) == 50
    for secret in generated:
        assert secret.startswith("whsec_")
        assert len(secret_key(secret)) >= 24


def test_a_secret_without_the_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="whsec_"):
        sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, b"")


def webhook(secret: str) -> Webhook:
    return Webhook.create(
        org_id=uuid.uuid4(),
        url="https://public.partner.example/hook",
        events=("*",),
        description="",
        secret=secret,
        now=NOW,
    )


def test_after_rotation_both_secrets_sign_for_24_hours_then_only_the_new() -> None:
    secrets = FakeSecrets()
    old = secrets.new_secret()
    hook = webhook(old)
    assert hook.signing_secrets(NOW) == [old]
    new = secrets.new_secret()
    hook.rotate(new, NOW)
    body = b'{"type":"task.updated"}'

    within = headers(hook.signing_secrets(NOW + timedelta(hours=23, minutes=59)), "e", 7, body)
    parts = within["webhook-signature"].split(" ")
    assert parts == [reference_signature(new, "e", 7, body), reference_signature(old, "e", 7, body)]
    assert reference_verify(old, within, body)
    assert reference_verify(new, within, body)

    after = headers(hook.signing_secrets(NOW + timedelta(hours=24)), "e", 7, body)
    assert after["webhook-signature"] == reference_signature(new, "e", 7, body)
    assert not reference_verify(old, after, body)
    assert reference_verify(new, after, body)


def test_rotating_twice_keeps_only_the_secret_just_replaced() -> None:
    secrets = FakeSecrets()
    first = secrets.new_secret()
    hook = webhook(first)
    second, third = secrets.new_secret(), secrets.new_secret()
    hook.rotate(second, NOW)
    hook.rotate(third, NOW + timedelta(hours=1))
    assert hook.signing_secrets(NOW + timedelta(hours=2)) == [third, second]
    assert hook.signing_secrets(NOW + timedelta(hours=25)) == [third]
