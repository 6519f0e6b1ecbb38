"""The public layer of the work context."""
