"""Tenancy's rules: organizations, who belongs to them in which role, and teams."""
