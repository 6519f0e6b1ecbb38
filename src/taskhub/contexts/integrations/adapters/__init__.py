"""Integrations adapters: HTTP resources, SQL storage, and outbound delivery."""
