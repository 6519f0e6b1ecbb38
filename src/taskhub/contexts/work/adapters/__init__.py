"""The adapters layer of the work context."""
