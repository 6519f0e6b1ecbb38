"""Webhook signing secrets: `whsec_` and the base64 of 32 random bytes."""

import base64
import secrets

from taskhub.contexts.integrations.domain.signing import SECRET_BYTES, SECRET_PREFIX


class RandomSecrets:
    def new_secret(self) -> str:
        return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()
