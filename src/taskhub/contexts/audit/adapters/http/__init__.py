"""Audit's HTTP adapter: the log, its verification and the security log, read-only."""
