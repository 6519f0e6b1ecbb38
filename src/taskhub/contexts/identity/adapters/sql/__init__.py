"""Identity storage on SQLAlchemy Core: tables, repositories, the unit of work."""
