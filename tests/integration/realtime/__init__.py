"""Realtime over real HTTP: a server process, a real SSE reader and WebSocket client."""
