"""Development tooling that is not part of the taskhub package."""
