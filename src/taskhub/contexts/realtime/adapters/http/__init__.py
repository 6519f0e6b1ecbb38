"""Realtime's routes: the event stream, the WebSocket, and its tickets."""
