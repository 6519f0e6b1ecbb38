"""The application layer of the tenancy context."""
