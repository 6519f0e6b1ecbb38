"""In-memory fakes of integrations' ports, for fast use-case tests.

They are held to the same contract tests as the SQL adapters (tests/contracts), so they
cannot drift from what production does. They store copies, so a use case that forgets
to call `update` fails here as it would against a database.
"""
