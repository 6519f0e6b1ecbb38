"""Keys derived from the configured secret key, one per purpose, old ones kept for reading.

One configured secret (`TASKHUB_SECRET_KEY`) serves several purposes: the audit chain's
HMAC, the encryption of secrets the server must read back, cursors. Deriving a key per
purpose with HKDF means that no purpose's key reveals another's, and that none of them is
ever stored in the database. A rotation sets a new `TASKHUB_SECRET_KEY` and moves the old
one to `TASKHUB_PREVIOUS_SECRET_KEYS`: new writes use the new key, while what was written
under an old one stays readable and verifiable. Each derived key has a public `key_id`,
so a stored value can name the key it was made with without revealing it.
"""

import hashlib
import hmac
from collections.abc import Sequence

import attrs
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_SALT = b"taskhub-keyring-v1"
KEY_BYTES = 32


@attrs.frozen(repr=False)
class DerivedKey:
    """A purpose's key from one secret; `key_id` names it publicly (16 hex digits)."""

    key_id: str
    material: bytes

    def __repr__(self) -> str:  # never the material, even in a traceback or a log line
        return f"DerivedKey(key_id={self.key_id!r})"


def derive_key(secret: str, purpose: str) -> DerivedKey:
    material = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=_SALT, info=purpose.encode()
    ).derive(secret.encode())
    key_id = hmac.new(material, b"key-id", hashlib.sha256).hexdigest()[:16]
    return DerivedKey(key_id=key_id, material=material)


class Keyring:
    """The current secret and the previous ones, as keys for a named purpose."""

    def __init__(self, current: str, previous: Sequence[str] = ()) -> None:
        self._secrets = (current, *(p for p in previous if p != current))

    def current(self, purpose: str) -> DerivedKey:
        """The key new values are written with."""
        return derive_key(self._secrets[0], purpose)

    def all(self, purpose: str) -> list[DerivedKey]:
        """Every key a stored value may have been written with, the current one first."""
        return [derive_key(secret, purpose) for secret in self._secrets]

    def find(self, purpose: str, key_id: str) -> DerivedKey | None:
        """The key that `key_id` names, or None when no configured secret makes it."""
        return next((key for key in self.all(purpose) if key.key_id == key_id), None)
