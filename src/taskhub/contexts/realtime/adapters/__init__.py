"""Realtime's adapters: HTTP routes, the ticket table, and the streaming hub."""
