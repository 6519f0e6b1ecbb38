"""Integrations' rules: who may receive what, where, signed how, retried when."""
