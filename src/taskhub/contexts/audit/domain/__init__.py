"""The domain layer of the audit context."""
