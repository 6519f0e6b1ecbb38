"""Watches, notifications and settings, and the rules that decide who is told what."""
