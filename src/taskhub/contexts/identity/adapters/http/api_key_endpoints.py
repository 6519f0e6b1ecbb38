"""API keys over HTTP: identity owns the credential, the path's organization its scope."""

from collections.abc import Sequence

from taskhub.contexts.identity.adapters.http.schemas import (
    ApiKeyBody,
    CreateApiKeyRequest,
    CreatedApiKeyBody,
)
from taskhub.contexts.identity.application.api_keys import ApiKeyService, CreateApiKey
from taskhub.contexts.identity.domain.api_key import ApiKey
from taskhub.platform.http.endpoints import Call, Endpoint, Reply
from taskhub.platform.http.routes import Routes
from taskhub.shared_kernel.field_copy import fields_from
from taskhub.shared_kernel.roles import Role


def key_body(key: ApiKey) -> ApiKeyBody:
    return fields_from(ApiKeyBody, key)


class ApiKeyEndpoints:
    def __init__(self, *, api_keys: ApiKeyService) -> None:
        self._api_keys = api_keys

    def create(self, call: Call[CreateApiKeyRequest]) -> Reply:
        body = call.body
        created = self._api_keys.create(
            call.in_org, CreateApiKey(name=body.name, role=body.role, expires_at=body.expires_at)
        )
        key = created.key
        return Reply(
            status=201,
            body=CreatedApiKeyBody(
                id=key.id,
                name=key.name,
                role=key.role,
                prefix=key.prefix,
                key=created.secret,
                expires_at=key.expires_at,
                created_at=key.created_at,
            ),
        )

    def list(self, call: Call[None]) -> Reply:
        page = self._api_keys.page(call.in_org, call.page)
        return Reply(body=page.map(key_body))

    def revoke(self, call: Call[None]) -> Reply:
        self._api_keys.revoke(call.in_org, call.params["key_id"])
        return Reply(status=204)

    def endpoints(self) -> Sequence[Endpoint]:
        keys = Routes.in_org(tag="api-keys")
        return [
            keys.post(
                "/api-keys",
                handler=self.create,
                body=CreateApiKeyRequest,
                name="create_api_key",
                summary="Create an API key",
                role=Role.ADMIN,
                response=CreatedApiKeyBody,
                status=201,
                secret_in_response=True,
                description="The key's role may not exceed yours; `key` is shown only here.",
            ),
            keys.get(
                "/api-keys",
                handler=self.list,
                name="list_api_keys",
                summary="API keys (without secrets)",
                role=Role.ADMIN,
                response=ApiKeyBody,
                paginated=True,
            ),
            keys.delete(
                "/api-keys/{key_id:uuid}",
                handler=self.revoke,
                name="revoke_api_key",
                summary="Revoke an API key",
                role=Role.ADMIN,
                status=204,
            ),
        ]
