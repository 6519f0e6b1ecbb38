"""The mail outbox, the sender and the SMTP transport against a real SMTP server."""
