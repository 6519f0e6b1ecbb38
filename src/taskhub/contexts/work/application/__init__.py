"""The application layer of the work context."""
