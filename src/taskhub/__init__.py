"""taskhub: a multi-tenant task-management backend."""

__version__ = "0.1.0"
