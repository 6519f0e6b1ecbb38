"""The adapters layer of the integrations context."""
