"""Access tokens: short-lived HS256 JWTs, verified strictly.

The algorithm is pinned (a token claiming `none` or RS256 is rejected before any key
is used), the header `typ` must be `at+jwt` (RFC 9068) so no other JWT signed with the
same key passes as an access token, and `exp iat sub iss aud jti` are all required.
"""

import time
import uuid
from typing import Any

import jwt

from taskhub.contexts.identity.application.ports import AccessClaims, IssuedAccessToken
from taskhub.contexts.identity.domain.errors import InvalidAccessToken

ALGORITHM = "HS256"
TOKEN_TYPE = "at+jwt"  # noqa: S105 - a media type, not a secret
ISSUER = "taskhub"
AUDIENCE = "taskhub-api"
_REQUIRED = ["exp", "iat", "sub", "iss", "aud", "jti"]


class JwtAccessTokenCodec:
    def __init__(self, secret_key: str, ttl_seconds: int, *, leeway_seconds: int = 0) -> None:
        if len(secret_key.encode()) < 32:
            raise ValueError("the signing key must be at least 32 bytes")
        self._key = secret_key.encode()
        self._ttl = ttl_seconds
        self._leeway = leeway_seconds
        self._decoder = jwt.PyJWT()

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
            return AccessClaims(
                user_id=uuid.UUID(payload["sub"]), session_id=uuid.UUID(payload["sid"])
            )
        except (KeyError, ValueError, TypeError, AttributeError):
            raise InvalidAccessToken() from None
