"""Identity: users, credentials, sessions (refresh-token families), access tokens, API keys."""
