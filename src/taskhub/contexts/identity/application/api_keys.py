"""Creating, listing, revoking and authenticating API keys."""

import uuid
from datetime import datetime

import attrs

from taskhub.contexts.identity.application.ports import (
    IdentityUnitOfWork,
    OpaqueTokens,
)
from taskhub.contexts.identity.domain.api_key import KEY_PREFIX, ApiKey
from taskhub.contexts.identity.domain.errors import InvalidApiKey
from taskhub.shared_kernel.clock import Clock
from taskhub.shared_kernel.errors import NotFound
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor, Principal, PrincipalKind
from taskhub.shared_kernel.roles import Role
from taskhub.shared_kernel.unit_of_work import UnitOfWorkFactory


@attrs.frozen
class CreateApiKey:
    name: str
    role: Role
    expires_at: datetime | None = None


@attrs.frozen
class CreatedApiKey:
    key: ApiKey
    secret: str


class ApiKeyService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory[IdentityUnitOfWork],
        opaque_tokens: OpaqueTokens,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._opaque_tokens = opaque_tokens
        self._clock = clock

    def create(self, actor: Actor, command: CreateApiKey) -> CreatedApiKey:
        secret = KEY_PREFIX + self._opaque_tokens.new_token()
        key = ApiKey.issue(
            org_id=actor.org_id,
            name=command.name,
            role=command.role,
            creator_role=actor.role,
            created_by=actor.user_id,
            secret=secret,
            key_hash=self._opaque_tokens.digest(secret),
            now=self._clock.now(),
            expires_at=command.expires_at,
        )
        with self._uow() as uow:
            uow.api_keys.add(key)
            uow.track(key)
            uow.commit()
        return CreatedApiKey(key=key, secret=secret)

    def page(self, actor: Actor, page: PageRequest) -> Page[ApiKey]:
        with self._uow(read_only=True) as uow:
            return uow.api_keys.page_live(actor.org_id, page)

    def revoke(self, actor: Actor, key_id: uuid.UUID) -> None:
        with self._uow() as uow:
            key = uow.api_keys.get(actor.org_id, key_id)
            if key is None or key.revoked_at is not None:
                raise NotFound("The API key was not found.")
            now = self._clock.now()
            key.revoke(now)
            uow.api_keys.update(key)
            uow.track(key)
            uow.commit()

    def authenticate(self, secret: str) -> Principal:
        with self._uow(read_only=True) as uow:
            key = uow.api_keys.find_granting_access(self._opaque_tokens.digest(secret))
        if key is None or not key.is_usable(self._clock.now()):
            raise InvalidApiKey()
        return Principal(
            kind=PrincipalKind.API_KEY,
            user_id=key.created_by,
            api_key_id=key.id,
            org_id=key.org_id,
            role=key.role,
        )
