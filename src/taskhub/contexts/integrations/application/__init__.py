"""The application layer of the integrations context."""
