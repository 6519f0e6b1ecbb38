"""Watcher routes under a task, and the caller's own inbox and settings."""
