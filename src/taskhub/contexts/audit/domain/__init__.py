"""The domain layer of the audit context: entries, the chains they form, their checks."""
