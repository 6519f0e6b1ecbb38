"""Attachments and direct uploads, the rules on them and the events they record."""
