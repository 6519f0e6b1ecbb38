"""Realtime's use cases: opening a stream (resume point, filters), tickets, and the
decision whether an open stream's credential and access still hold."""
