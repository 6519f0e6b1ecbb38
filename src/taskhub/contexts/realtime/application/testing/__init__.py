"""In-memory fakes of realtime's ports, for unit tests."""
