"""The integration events tenancy publishes on the bus (and partners receive as webhooks).

`type` is the routing key; `data` is the payload partners see, so its shape is part of
the public contract: add fields, never rename or remove them.
"""

MEMBER_ADDED = "member.added"
MEMBER_REMOVED = "member.removed"

PUBLISHED_TYPES = (MEMBER_ADDED, MEMBER_REMOVED)
