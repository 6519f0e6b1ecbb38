"""One authenticator for both kinds of bearer credential: access tokens and API keys."""

from taskhub.contexts.identity.application.api_keys import ApiKeyService
from taskhub.contexts.identity.application.sessions import SessionService
from taskhub.contexts.identity.domain.api_key import KEY_PREFIX
from taskhub.shared_kernel.principal import Principal


class CredentialAuthenticator:
    def __init__(self, *, sessions: SessionService, api_keys: ApiKeyService) -> None:
        self._sessions = sessions
        self._api_keys = api_keys

    def authenticate(self, credential: str) -> Principal:
        if credential.startswith(KEY_PREFIX):
            return self._api_keys.authenticate(credential)
        return self._sessions.authenticate(credential)
