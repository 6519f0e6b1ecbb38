"""What audit publishes to other contexts: an entity's history, read from the org's log."""

from taskhub.contexts.audit.public.history import AuditEntryView, EntityHistory

__all__ = ["AuditEntryView", "EntityHistory"]
