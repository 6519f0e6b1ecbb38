"""Tenancy: organizations, memberships and roles, teams."""
