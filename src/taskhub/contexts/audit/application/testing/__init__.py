"""In-memory fakes of audit's ports, for fast use-case tests.

They are held to the same contract tests as the SQL adapter (tests/contracts/audit.py),
so they cannot drift from what the database does.
"""
