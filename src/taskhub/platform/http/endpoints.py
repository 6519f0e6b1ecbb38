"""Endpoint declarations: the one description of a route that both Falcon and OpenAPI read.

Adapters declare their routes with the builder in `platform.http.routes`, which makes
these `Endpoint`s; the application mounts them on the router and builds
`/openapi.json` from the very same list, so a route cannot exist without being
documented, nor be documented without existing.
"""

import enum
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from taskhub.platform.http.hand_off import HandOff
from taskhub.platform.http.locations import COLLECTION_RULE
from taskhub.platform.http.path_references import REFERENCE_CONVERTERS
from taskhub.platform.http.query import PAGE_PARAMS, QueryParam
from taskhub.shared_kernel.pagination import PageRequest
from taskhub.shared_kernel.principal import Actor, Principal, RequestOrigin
from taskhub.shared_kernel.roles import Role


class Access(enum.Enum):
    """Who may call an endpoint."""

    PUBLIC = "public"
    """No credentials."""
    USER = "user"
    """A user's access token; API keys are refused."""
    PRINCIPAL = "principal"
    """A user's access token or an API key."""


@attrs.frozen
class Cookie:
    name: str
    value: str
    max_age: int | None
    path: str
    http_only: bool = True
    secure: bool = True
    same_site: str = "Strict"


BodyT = TypeVar("BodyT")


@attrs.frozen
class Call(Generic[BodyT]):
    """What a handler receives: the parsed body and everything else it may need.

    `BodyT` is the class the route declares as its body (`None` without one), so mypy
    holds a handler to its route's schema (`platform.http.routes` ties the two).
    """

    body: BodyT
    params: Mapping[str, uuid.UUID]
    """The path parameters: every one is a `{name:uuid}` (see `Endpoint`)."""
    query: Mapping[str, Any]
    """The declared query parameters that were given, parsed (see `read_query`)."""
    headers: Mapping[str, str]
    cookies: Mapping[str, str]
    principal: Principal | None
    origin: RequestOrigin
    actor: Actor | None = None
    page: PageRequest = attrs.field(factory=PageRequest)
    if_match: int | None = None
    credential: str | None = None
    """The credential the caller authenticated with (the bearer token, API key, or what
    a query credential stood for), for a stream that must re-check it while it runs."""
    hand_off: HandOff | None = None
    """The server's hook for handing the connection to a stream (`platform.http.hand_off`);
    None under a server without one."""

    @property
    def user(self) -> Principal:
        if self.principal is None:
            raise RuntimeError("endpoint declared PUBLIC access but needs a principal")
        return self.principal

    @property
    def in_org(self) -> Actor:
        """The caller in the path's organization; set for endpoints that declare `org_role`."""
        if self.actor is None:
            raise RuntimeError("endpoint declared no org_role but needs an actor")
        return self.actor


@attrs.frozen
class Reply:
    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    cookies: tuple[Cookie, ...] = ()
    media_type: str = "application/json"


Handler = Callable[[Call[Any]], Reply]


@attrs.frozen
class QueryCredential:
    """A query parameter (`name`) that stands for a credential: `redeem(value, org_id)`
    returns the credential it stands for, or raises `Unauthenticated`. The parameter
    must also be declared in the route's `query`."""

    name: str
    redeem: Callable[[str, uuid.UUID], str]


@attrs.frozen
class Endpoint:
    method: str
    path: str
    handler: Handler
    operation_id: str
    summary: str
    tag: str
    access: Access = Access.USER
    body: type | None = None
    body_optional: bool = False
    response: Any = None
    status: int = 200
    errors: tuple[int, ...] = ()
    description: str | None = None
    include_in_schema: bool = True
    response_media_type: str = "application/json"
    org_role: Role | None = None
    """The least role in the path's organization (`{org_id}`) the caller must hold."""
    paginated: bool = False
    """The handler returns a `Page` of `response` items; `limit`/`cursor` are parsed."""
    query: tuple[QueryParam, ...] = ()
    """The query parameters the endpoint takes besides the page's; any other is a 422."""
    converter: Any = None
    """The context's own cattrs converter; the platform's default when None."""
    secret_in_response: bool = False
    """The response shows a secret once (a new API key): an idempotent retry gets a 409
    saying so instead of a stored copy of the secret."""
    limited_per_client_ip: bool = False
    """Counted against the client IP's `auth` budget rather than the principal's `api` one."""
    redirects: bool = False
    """The handler may answer 302 with a `Location` instead of its response."""
    admits: Callable[[Principal], bool] | None = None
    """Asked right after authentication, before anything else is read: a principal it
    refuses gets a 404, as if the route did not exist (the operators' routes)."""
    query_credential: QueryCredential | None = None
    """A credential the route also accepts in the query string, for clients that cannot
    set headers (a browser's WebSocket): used only when there is no Authorization."""
    location: str | None = None
    """Where a 201's created resource lives (`platform.http.locations`); the route's own
    path plus `/{id}` when None."""

    def __attrs_post_init__(self) -> None:
        if self.org_role is not None and "{org_id" not in self.path:
            raise ValueError(f"{self.path}: org_role needs an {{org_id}} path parameter")
        untyped = [
            name for name, kind in path_parameters(self.path) if kind not in PATH_PARAMETER_KINDS
        ]
        if untyped:
            raise ValueError(
                f"{self.path}: path parameters must be {{name:uuid}} or {{name:task}}: {untyped}"
            )
        names = [param.name for param in self.query_params]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.path}: a query parameter is declared twice: {names}")

    @property
    def location_template(self) -> str | None:
        """The full template the 201's `Location` is filled from; None for other routes."""
        if self.status != 201:
            return None
        return self.location if self.location is not None else self.path + COLLECTION_RULE

    @property
    def query_params(self) -> tuple[QueryParam, ...]:
        """Every query parameter the endpoint accepts: its own, and a list's page ones."""
        return (*self.query, *PAGE_PARAMS) if self.paginated else self.query


PATH_PARAMETER_KINDS = frozenset({"uuid", *REFERENCE_CONVERTERS})


def openapi_path(path: str) -> str:
    """`/tasks/{task_id:task}` (Falcon) -> `/tasks/{task_id}` (OpenAPI)."""
    out = []
    for segment in path.split("/"):
        if segment.startswith("{") and ":" in segment:
            out.append(segment.split(":", 1)[0] + "}")
        else:
            out.append(segment)
    return "/".join(out)


def path_parameters(path: str) -> list[tuple[str, str | None]]:
    """The `(name, converter)` pairs of a Falcon URI template."""
    params = []
    for segment in path.split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            name, _, converter = segment[1:-1].partition(":")
            params.append((name, converter or None))
    return params
