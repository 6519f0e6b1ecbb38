"""The application layer of the audit context: recording events, reading and verifying logs."""
