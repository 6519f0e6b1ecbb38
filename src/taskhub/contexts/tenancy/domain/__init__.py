"""The domain layer of the tenancy context."""
