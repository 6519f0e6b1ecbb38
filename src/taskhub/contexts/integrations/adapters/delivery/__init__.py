"""Outbound HTTP for deliveries: resolving, connecting safely, sending, secrets."""
