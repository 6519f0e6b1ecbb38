"""Audit storage on SQLAlchemy Core: the entries, the chain heads, the event sink."""
