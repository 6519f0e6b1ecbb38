"""Opaque secrets (refresh tokens) and their SHA-256 digests.

The tokens carry 256 bits from the OS CSPRNG; a plain SHA-256 is the right digest for
them (unlike passwords, there is nothing to brute-force), and it lets the database
look a token up by its digest.
"""

import hashlib
import secrets

TOKEN_BYTES = 32


class SecretsOpaqueTokens:
    def new_token(self) -> str:
        return secrets.token_urlsafe(TOKEN_BYTES)

    def digest(self, token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()
