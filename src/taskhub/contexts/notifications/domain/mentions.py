"""Mentions in a comment body: `<@user_id>`. Whether a mentioned id is a member is not
for the text to say; the caller keeps only members, and anything else stays text."""

import re
import uuid

_MENTION = re.compile(
    r"<@([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})>"
)
# A body is at most 20,000 characters; more distinct mentions than this is not a mention.
MAX_MENTIONS = 50


def mentioned_ids(body: str) -> list[uuid.UUID]:
    """The distinct ids mentioned, in the order they first appear."""
    found: dict[uuid.UUID, None] = {}
    for match in _MENTION.finditer(body):
        found.setdefault(uuid.UUID(match.group(1)), None)
        if len(found) == MAX_MENTIONS:
            break
    return list(found)
