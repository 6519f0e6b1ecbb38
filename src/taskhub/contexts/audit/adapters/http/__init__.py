"""Audit over HTTP: §Audit of the contract."""
