"""What identity publishes to other contexts: who a user is, looked up without its internals."""

from taskhub.contexts.identity.public.directory import UserDirectory, UserSummary

__all__ = ["UserDirectory", "UserSummary"]
