"""Audit: the append-only, hash-chained audit trail and the users' security logs."""
