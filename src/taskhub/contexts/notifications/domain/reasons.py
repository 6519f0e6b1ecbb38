"""Why someone is notified, and the channels a notification may take."""

import enum


class Reason(enum.StrEnum):
    ASSIGNED = "assigned"
    MENTIONED = "mentioned"
    COMMENTED = "commented"
    STATUS_CHANGED = "status_changed"
    DUE_SOON = "due_soon"
    INVITED = "invited"


class Channel(enum.StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
