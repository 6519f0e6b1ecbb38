"""The chain keys, derived from the server's secret by the platform keyring.

Purpose "audit-chain": a key of its own, so no other use of the secret (tokens,
encrypted secrets) could ever produce an entry's link. Previous secrets
(`TASKHUB_PREVIOUS_SECRET_KEYS`) stay in `all()`, so entries linked before a rotation
still verify; dropping one makes the entries it linked unverifiable.
"""

from taskhub.contexts.audit.domain.chain import LinkKey
from taskhub.platform.keyring import DerivedKey, Keyring

PURPOSE = "audit-chain"


def _link_key(key: DerivedKey) -> LinkKey:
    return LinkKey(key_id=key.key_id, material=key.material)


class KeyringChainKeys:
    """Derived once: every commit that writes an entry asks for the current key."""

    def __init__(self, keyring: Keyring) -> None:
        self._keys = [_link_key(key) for key in keyring.all(PURPOSE)]

    def current(self) -> LinkKey:
        return self._keys[0]

    def all(self) -> list[LinkKey]:
        return list(self._keys)
