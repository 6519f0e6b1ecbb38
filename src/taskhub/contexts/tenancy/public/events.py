"""The integration events tenancy publishes on the bus (and partners receive as webhooks).

`type` is the routing key; `data` is the payload partners see, so its shape is part of
the public contract: add fields, never rename or remove them.
"""

MEMBER_ADDED = "member.added"
MEMBER_REMOVED = "member.removed"
INVITATION_CREATED = "invitation.created"
INVITATION_ACCEPTED = "invitation.accepted"
INVITATION_REVOKED = "invitation.revoked"

PUBLISHED_TYPES = (
    MEMBER_ADDED,
    MEMBER_REMOVED,
    INVITATION_CREATED,
    INVITATION_ACCEPTED,
    INVITATION_REVOKED,
)
