"""The adapters layer of the audit context."""
