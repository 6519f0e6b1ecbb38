"""Sealed values: unreadable without the keyring, bound to their row, readable after a rotation."""

import base64

import pytest

from taskhub.platform.keyring import Keyring
from taskhub.platform.secret_box import SecretBox, UnreadableSecret

OLD = "the-old-secret-key-0123456789abcdef-0123"
NEW = "the-new-secret-key-0123456789abcdef-0123"
WHSEC = "whsec_" + base64.b64encode(bytes(range(32))).decode()


def test_a_sealed_value_opens_and_does_not_show_the_plain_one() -> None:
    box = SecretBox(Keyring(NEW), "webhook-secrets")
    sealed = box.seal(WHSEC, b"row-1")
    assert WHSEC[6:] not in sealed
    assert box.open(sealed, b"row-1") == WHSEC
    assert box.seal(WHSEC, b"row-1") != sealed  # a fresh nonce every time


def test_a_sealed_webhook_secret_fits_its_column() -> None:
    assert len(SecretBox(Keyring(NEW), "webhook-secrets").seal(WHSEC, b"x" * 16)) <= 128


def test_a_value_sealed_for_another_row_or_purpose_does_not_open() -> None:
    box = SecretBox(Keyring(NEW), "webhook-secrets")
    sealed = box.seal(WHSEC, b"row-1")
    with pytest.raises(UnreadableSecret):
        box.open(sealed, b"row-2")
    with pytest.raises(UnreadableSecret):
        SecretBox(Keyring(NEW), "other-purpose").open(sealed, b"row-1")


def test_after_a_rotation_old_values_open_while_the_old_key_is_kept() -> None:
    sealed = SecretBox(Keyring(OLD), "webhook-secrets").seal(WHSEC)
    assert SecretBox(Keyring(NEW, [OLD]), "webhook-secrets").open(sealed) == WHSEC
    with pytest.raises(UnreadableSecret, match="TASKHUB_PREVIOUS_SECRET_KEYS"):
        SecretBox(Keyring(NEW), "webhook-secrets").open(sealed)


def test_clear_or_damaged_values_are_refused() -> None:
    box = SecretBox(Keyring(NEW), "webhook-secrets")
    with pytest.raises(UnreadableSecret):
        box.open(WHSEC)
    sealed = box.seal(WHSEC)
    with pytest.raises(UnreadableSecret):
        box.open(sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1])
