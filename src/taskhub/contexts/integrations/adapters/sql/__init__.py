"""Integrations storage on SQLAlchemy Core."""
