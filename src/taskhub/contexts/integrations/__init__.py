"""Integrations: webhooks, deliveries, the dispatcher."""
