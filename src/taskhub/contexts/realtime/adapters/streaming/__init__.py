"""The per-process streaming hub: an asyncio loop in a daemon thread that owns every
handed-off connection of the process, fed by the bus and the event log (ADR 0033)."""
