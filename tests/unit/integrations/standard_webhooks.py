"""An independent implementation of Standard Webhooks verification, written from the spec.

standardwebhooks.com: the signed content is "{msg_id}.{timestamp}.{body}", HMAC-SHA256
keyed with the base64-decoded part of the secret after "whsec_", sent as "v1,<base64>";
several signatures are separated by spaces and any one of them may match.
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping


def reference_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    assert secret.startswith("whsec_")
    key = base64.b64decode(secret.split("_", 1)[1])
    content = msg_id.encode() + b"." + str(timestamp).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def reference_verify(secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    expected = reference_signature(
        secret, headers["webhook-id"], int(headers["webhook-timestamp"]), body
    )
    return any(
        hmac.compare_digest(part, expected) for part in headers["webhook-signature"].split(" ")
    )
