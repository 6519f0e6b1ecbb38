"""The notifications context's adapters: HTTP, SQL, the bus, mail and its loops."""
