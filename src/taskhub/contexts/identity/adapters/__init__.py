"""Identity adapters: HTTP resources, SQL storage, and the cryptography behind credentials."""
