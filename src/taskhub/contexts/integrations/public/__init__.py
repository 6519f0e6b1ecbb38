"""The public layer of the integrations context."""
