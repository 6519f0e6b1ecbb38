"""Integrations over HTTP: §Integrations of the contract."""
