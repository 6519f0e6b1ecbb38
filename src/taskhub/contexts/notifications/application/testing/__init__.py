"""In-memory fakes of the notifications ports, for unit tests."""
