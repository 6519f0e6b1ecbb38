"""In-memory fakes of the attachments ports, for unit tests and the contract tests."""
