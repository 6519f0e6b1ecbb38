"""Notifications' tables and repositories on SQLAlchemy Core."""
