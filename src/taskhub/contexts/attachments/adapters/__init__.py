"""Adapters of the attachments context: HTTP, SQL and object storage."""
