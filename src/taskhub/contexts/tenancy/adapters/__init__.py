"""The adapters layer of the tenancy context."""
