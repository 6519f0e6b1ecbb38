"""What tenancy publishes: the role lookup other contexts depend on, the invitation desk
identity's registration uses, and its event types."""

from taskhub.contexts.tenancy.public.events import (
    CATALOGUE,
    MEMBER_ADDED,
    MEMBER_REMOVED,
    PUBLISHED_TYPES,
)
from taskhub.contexts.tenancy.public.invitations import InvitationDesk
from taskhub.contexts.tenancy.public.roles import RoleLookup

__all__ = [
    "CATALOGUE",
    "MEMBER_ADDED",
    "MEMBER_REMOVED",
    "PUBLISHED_TYPES",
    "InvitationDesk",
    "RoleLookup",
]
