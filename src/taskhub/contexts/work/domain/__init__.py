"""The domain layer of the work context."""
