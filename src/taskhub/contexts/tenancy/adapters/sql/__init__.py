"""Tenancy storage on SQLAlchemy Core."""
