"""Notifications' emails, as template files (see platform.mail.letters for the format)."""

from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
