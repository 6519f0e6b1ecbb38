"""Realtime: the organization's events served live, as Server-Sent Events and over
WebSocket, on the same port as the REST API (ADR 0033).

It owns the stream rules (resume without gap or duplicate, filters, when a stream must
end), the single-use tickets browsers open a WebSocket with, and the per-process hub
that fans the events out. It reads the events through integrations' public event log,
authenticates through identity and checks access through tenancy, by ports.
"""
