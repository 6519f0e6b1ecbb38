"""Notifications over HTTP, through the real container, on SQLite and PostgreSQL."""
