"""Attachments' tables, repositories and unit of work on SQLAlchemy Core."""
