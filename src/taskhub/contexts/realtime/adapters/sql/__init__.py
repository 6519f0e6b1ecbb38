"""The ticket table and its store."""
