"""Realtime: stream rules and tickets on fakes."""
