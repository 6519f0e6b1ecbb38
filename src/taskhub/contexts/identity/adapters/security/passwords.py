"""bcrypt password hashing that never truncates.

bcrypt only reads 72 bytes (bcrypt 5 raises beyond that) and stops at a NUL byte, while
the policy allows 128 characters of any script: up to 512 bytes of UTF-8. So every
password is first condensed with HMAC-SHA256 and base64-encoded (44 ASCII bytes, no
NUL), and that goes to bcrypt: every character counts, none is dropped, and the input
is always within bcrypt's limit. Stored hashes carry a scheme prefix so the scheme can
change later without a flag day.
"""

import base64
import hashlib
import hmac

import bcrypt

SCHEME = "bcrypt-hmac-sha256$"
_PREHASH_KEY = b"taskhub-password-v1"


def _condense(password: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


class BcryptPasswordHasher:
    def __init__(self, rounds: int) -> None:
        self._rounds = rounds
        # A real hash at the configured cost, so a sign-in for an unknown email spends
        # the same work as one for a known email.
        self._dummy_hash = bcrypt.hashpw(_condense("dummy-password-1"), bcrypt.gensalt(rounds))

    def hash(self, password: str) -> str:
        hashed = bcrypt.hashpw(_condense(password), bcrypt.gensalt(self._rounds))
        return SCHEME + hashed.decode("ascii")

    def verify(self, password: str, password_hash: str) -> bool:
        if not password_hash.startswith(SCHEME):
            return False
        stored = password_hash[len(SCHEME) :].encode("ascii")
        try:
            return bcrypt.checkpw(_condense(password), stored)
        except ValueError:
            return False

    def spend_equal_effort(self, password: str) -> None:
        bcrypt.checkpw(_condense(password), self._dummy_hash)
