"""Library-backed implementations of the credential ports (bcrypt, PyJWT, secrets)."""
