"""The attachments routes."""
