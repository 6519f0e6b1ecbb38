"""The public layer of the audit context."""
