"""What tenancy publishes: the role lookup other contexts depend on."""

from taskhub.contexts.tenancy.public.roles import RoleLookup

__all__ = ["RoleLookup"]
