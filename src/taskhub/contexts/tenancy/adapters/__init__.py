"""Tenancy adapters: HTTP resources and SQL storage."""
