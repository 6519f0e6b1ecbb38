"""The transactional outbox, its relay to the message bus, and event subscriptions."""
