"""Tenancy over HTTP: §Organizations of the contract."""
