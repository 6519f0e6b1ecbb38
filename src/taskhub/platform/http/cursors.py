"""Opaque, tamper-evident pagination cursors.

A cursor is the page's sort key, JSON-encoded and signed with an HMAC derived from the
secret key. Clients cannot forge or edit one (a tampered cursor is a 400, never a
query with attacker-chosen values), and the key layout can change without a format
negotiation: old cursors simply stop verifying.
"""

import base64
import binascii
import hashlib
import hmac

import orjson

from taskhub.platform.http.problems import BadRequest

_MAC_BYTES = 16

CURSOR_PATTERN = "^[A-Za-z0-9_-]*$"
"""What every cursor this codec writes looks like (URL-safe base64, unpadded); the
OpenAPI document declares it for `cursor`."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), b"taskhub-cursor-v1", hashlib.sha256).digest()

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:_MAC_BYTES]

    def encode(self, after: tuple[str, ...]) -> str:
        payload = orjson.dumps(list(after))
        return _b64encode(payload + self._mac(payload))

    def decode(self, cursor: str) -> tuple[str, ...]:
        try:
            raw = _b64decode(cursor)
        except (binascii.Error, ValueError):
            raise BadRequest("The cursor is invalid.", code="invalid_cursor") from None
        payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
        if len(raw) <= _MAC_BYTES or not hmac.compare_digest(mac, self._mac(payload)):
            raise BadRequest("The cursor is invalid.", code="invalid_cursor")
        values = orjson.loads(payload)
        return tuple(str(value) for value in values)
