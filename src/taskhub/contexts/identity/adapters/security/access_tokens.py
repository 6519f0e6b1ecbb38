"""Access tokens: short-lived HS256 JWTs, verified strictly.

The algorithm is pinned (a token claiming `none` or RS256 is rejected before any key
is used), the header `typ` must be `at+jwt` (RFC 9068) so no other JWT signed with the
same key passes as an access token, and `exp iat sub iss aud jti` are all required.

A client sends the same token with every request for its whole lifetime, so the claims
of a token that passed are remembered, keyed by the exact token string, until it
expires: later requests with it skip decoding and the signature check (a large part of
a list request's CPU) and only check the expiry. Failures are never remembered. Whether
the session behind the token is still live is not part of this: that is asked of the
database on every request, so sign-out and deactivation still take effect at once.
"""

import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt

from taskhub.contexts.identity.application.ports import AccessClaims, IssuedAccessToken
from taskhub.contexts.identity.domain.errors import InvalidAccessToken

ALGORITHM = "HS256"
TOKEN_TYPE = "at+jwt"  # noqa: S105 - a media type, not a secret
ISSUER = "taskhub"
AUDIENCE = "taskhub-api"
_REQUIRED = ["exp", "iat", "sub", "iss", "aud", "jti"]
# Tokens whose claims are remembered; past this, the memory starts over. Plain dict
# operations only, which are atomic under the interpreter lock, so threads may share it.
VERIFIED_CACHE_SIZE = 4096


class JwtAccessTokenCodec:
    def __init__(
        self,
        secret_key: str,
        ttl_seconds: int,
        *,
        leeway_seconds: int = 0,
        now: Callable[[], float] = time.time,
    ) -> None:
        if len(secret_key.encode()) < 32:
            raise ValueError("the signing key must be at least 32 bytes")
        self._key = secret_key.encode()
        self._ttl = ttl_seconds
        self._leeway = leeway_seconds
        self._decoder = jwt.PyJWT()
        self._now = now
        self._verified: dict[str, tuple[AccessClaims, float]] = {}

    def issue(self, claims: AccessClaims) -> IssuedAccessToken:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(claims.user_id),
            "sid": str(claims.session_id),
            "iat": now,
            "exp": now + self._ttl,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(payload, self._key, algorithm=ALGORITHM, headers={"typ": TOKEN_TYPE})
        return IssuedAccessToken(token=token, expires_in=self._ttl)

    def read(self, token: str) -> AccessClaims:
        remembered = self._verified.get(token)
        if remembered is not None:
            claims, expires_at = remembered
            if self._now() < expires_at + self._leeway:
                return claims
            self._verified.pop(token, None)
            raise InvalidAccessToken()
        claims, expires_at = self._verify(token)
        if self._now() >= expires_at + self._leeway:
            raise InvalidAccessToken()  # one clock for expiry, remembered or not
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (claims, expires_at)
        return claims

    def _verify(self, token: str) -> tuple[AccessClaims, float]:
        try:
            decoded: dict[str, Any] = self._decoder.decode_complete(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=self._leeway,
                options={"require": _REQUIRED},
            )
        except jwt.PyJWTError:
            raise InvalidAccessToken() from None
        if decoded["header"].get("typ") != TOKEN_TYPE:
            raise InvalidAccessToken()
        payload = decoded["payload"]
        try:
            claims = AccessClaims(
                user_id=uuid.UUID(payload["sub"]), session_id=uuid.UUID(payload["sid"])
            )
            return claims, float(payload["exp"])
        except (KeyError, ValueError, TypeError, AttributeError):
            raise InvalidAccessToken() from None
