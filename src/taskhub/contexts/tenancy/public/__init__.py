"""The public layer of the tenancy context."""
