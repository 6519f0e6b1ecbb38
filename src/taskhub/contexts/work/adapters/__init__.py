"""Work adapters: HTTP resources and SQL storage."""
