"""Attachments: files kept on tasks, their bytes in pluggable storage (a folder or S3)."""
