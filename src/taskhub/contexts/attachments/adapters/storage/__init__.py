"""Where attachments' bytes live: a local folder, or an S3-compatible service."""
