"""Work storage on SQLAlchemy Core, with a lean read path for task lists."""
