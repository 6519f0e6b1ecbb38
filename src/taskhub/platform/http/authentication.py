"""The port through which the HTTP layer turns a bearer credential into a Principal.

The platform does not know what a token is; the identity context does, and the
composition root plugs its authenticator in here.
"""

from typing import Protocol

from taskhub.shared_kernel.errors import Unauthenticated
from taskhub.shared_kernel.principal import Principal


class Authenticator(Protocol):
    def authenticate(self, credential: str) -> Principal:
        """Return the caller, or raise Unauthenticated."""
        ...


def bearer_credential(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated("Authentication is required.", code="missing_credentials")
    scheme, _, credential = authorization.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise Unauthenticated(
            "Use the Authorization header: Bearer <token>.", code="invalid_credentials"
        )
    return credential
