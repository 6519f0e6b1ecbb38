"""Use cases: uploading, reading, deleting and restoring attachments, and purging."""
