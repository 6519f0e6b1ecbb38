"""Outbound email: the outbox the units of work write to, and the sender that empties it."""
