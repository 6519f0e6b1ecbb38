"""The domain layer of the integrations context."""
