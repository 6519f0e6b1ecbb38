"""The application layer of the audit context."""
