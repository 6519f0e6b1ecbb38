"""Sealing secrets the server must read back (webhook signing secrets), for storage.

A value is sealed with AES-256-GCM under the keyring's current key for a purpose and
stored as `v1.<key_id>.<base64url(nonce | ciphertext | tag)>`. The key id names the key
publicly, so a value sealed before a rotation of `TASKHUB_SECRET_KEY` still opens while
the old secret is in `TASKHUB_PREVIOUS_SECRET_KEYS`; the next write seals it under the
new key. The caller's `context` (e.g. the owning row's id) is authenticated with the
value, so a sealed value copied onto another row does not open there.
"""

import base64
import binascii
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from taskhub.platform.keyring import DerivedKey, Keyring

VERSION = "v1"
_NONCE_BYTES = 12


class UnreadableSecret(Exception):
    """A stored value that is not sealed, names a key no configured secret makes, or
    was altered (or sealed for another row)."""


class SecretBox:
    def __init__(self, keyring: Keyring, purpose: str) -> None:
        self._purpose = purpose.encode()
        self._keys = {key.key_id: key for key in keyring.all(purpose)}
        self._current: DerivedKey = keyring.current(purpose)

    def seal(self, plain: str, context: bytes = b"") -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = AESGCM(self._current.material).encrypt(
            nonce, plain.encode(), self._purpose + b"\0" + context
        )
        token = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
        return f"{VERSION}.{self._current.key_id}.{token}"

    def open(self, stored: str, context: bytes = b"") -> str:
        version, _, rest = stored.partition(".")
        key_id, _, token = rest.partition(".")
        if version != VERSION or not token:
            raise UnreadableSecret("the value is not sealed")
        key = self._keys.get(key_id)
        if key is None:
            raise UnreadableSecret(
                f"sealed under key {key_id}, which neither TASKHUB_SECRET_KEY nor "
                "TASKHUB_PREVIOUS_SECRET_KEYS makes"
            )
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            plain = AESGCM(key.material).decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], self._purpose + b"\0" + context
            )
        except (InvalidTag, ValueError, binascii.Error):
            raise UnreadableSecret("the sealed value does not open") from None
        return plain.decode()

    @staticmethod
    def is_sealed(stored: str) -> bool:
        return stored.startswith(VERSION + ".")
