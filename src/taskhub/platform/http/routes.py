"""The one way to declare routes: a group that shares a prefix, a tag, an access rule
and a converter, and one keyword-only method per HTTP verb.

Organization-scoped routes are declared relative to the organization's path, spelled
once here (`ORG_PREFIX`), by a group made with `Routes.in_org(...)`; each of them must
name the least role it needs (`role=`), which the pipeline checks before the handler
runs. The verb methods tie a handler to the body its route declares: a handler that
takes `Call[CreateTeamRequest]` can only be declared with `body=CreateTeamRequest`
(`get` and `delete` take no body, so their handlers take `Call[None]`), and mypy
refuses any other pairing.

    routes = Routes.in_org(tag="teams")
    routes.post("/teams", handler=self.create_team, body=CreateTeamRequest,
                name="create_team", summary="Create a team", role=Role.ADMIN,
                response=TeamBody, status=201, errors=(409,))
"""

from collections.abc import Callable
from typing import Any, NotRequired, TypedDict, TypeVar, Unpack, overload

import attrs

from taskhub.platform.http.endpoints import Access, Call, Endpoint, QueryCredential, Reply
from taskhub.platform.http.query import QueryParam
from taskhub.shared_kernel.principal import Principal
from taskhub.shared_kernel.roles import Role

API_PREFIX = "/api/v1"
ORG_PREFIX = f"{API_PREFIX}/orgs/{{org_id:uuid}}"

BodyT = TypeVar("BodyT")


class RouteOptions(TypedDict):
    """What a route may declare beyond its path, handler, body, name, summary and role."""

    response: NotRequired[Any]
    """The response body's class (a list's item class when `paginated`)."""
    status: NotRequired[int]
    errors: NotRequired[tuple[int, ...]]
    """Statuses besides the ones every route may answer, for the OpenAPI document."""
    description: NotRequired[str]
    paginated: NotRequired[bool]
    query: NotRequired[tuple[QueryParam, ...]]
    include_in_schema: NotRequired[bool]
    response_media_type: NotRequired[str]
    secret_in_response: NotRequired[bool]
    limited_per_client_ip: NotRequired[bool]
    redirects: NotRequired[bool]
    query_credential: NotRequired[QueryCredential]
    location: NotRequired[str]
    """A 201's created resource, relative to the group's prefix like the path
    (`"/members/{user_id}"`); the route's path plus `/{id}` when left out."""


@attrs.frozen(kw_only=True)
class Routes:
    """Routes that share a path prefix, an OpenAPI tag, who may call them and a converter.

    `role` is required on every route of a group under the organization's path, and
    refused elsewhere: a route there without one would skip the membership check.
    """

    tag: str
    access: Access = Access.USER
    prefix: str = API_PREFIX
    converter: Any = None
    """The context's own cattrs converter; the platform's default when None."""
    admits: Callable[[Principal], bool] | None = None
    """Who may know the group exists; everyone else gets 404 (see `Endpoint.admits`)."""

    @classmethod
    def in_org(
        cls, *, tag: str, access: Access = Access.PRINCIPAL, converter: Any = None
    ) -> "Routes":
        """Routes under `/api/v1/orgs/{org_id}`, each for members of at least a role."""
        return cls(tag=tag, access=access, prefix=ORG_PREFIX, converter=converter)

    @property
    def org_scoped(self) -> bool:
        return self.prefix.startswith(ORG_PREFIX)

    def get(
        self,
        path: str,
        *,
        handler: Callable[[Call[None]], Reply],
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint:
        return self._endpoint(
            method="GET",
            path=path,
            handler=handler,
            body=None,
            body_optional=False,
            name=name,
            summary=summary,
            role=role,
            options=options,
        )

    @overload
    def delete(
        self,
        path: str,
        *,
        handler: Callable[[Call[None]], Reply],
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint: ...

    @overload
    def delete(
        self,
        path: str,
        *,
        handler: Callable[[Call[BodyT]], Reply],
        body: type[BodyT],
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint: ...

    def delete(
        self,
        path: str,
        *,
        handler: Callable[[Call[Any]], Reply],
        body: type | None = None,
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint:
        """`body`: a DELETE that must say something (a password that confirms it)."""
        return self._endpoint(
            method="DELETE",
            path=path,
            handler=handler,
            body=body,
            body_optional=False,
            name=name,
            summary=summary,
            role=role,
            options=options,
        )

    def patch(
        self,
        path: str,
        *,
        handler: Callable[[Call[BodyT]], Reply],
        body: type[BodyT],
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint:
        return self._endpoint(
            method="PATCH",
            path=path,
            handler=handler,
            body=body,
            body_optional=False,
            name=name,
            summary=summary,
            role=role,
            options=options,
        )

    @overload
    def put(
        self,
        path: str,
        *,
        handler: Callable[[Call[None]], Reply],
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint: ...

    @overload
    def put(
        self,
        path: str,
        *,
        handler: Callable[[Call[BodyT]], Reply],
        body: type[BodyT],
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint: ...

    def put(
        self,
        path: str,
        *,
        handler: Callable[[Call[Any]], Reply],
        body: type | None = None,
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint:
        """Without `body`, a PUT that sets a relation named by its path (start watching)."""
        return self._endpoint(
            method="PUT",
            path=path,
            handler=handler,
            body=body,
            body_optional=False,
            name=name,
            summary=summary,
            role=role,
            options=options,
        )

    @overload
    def post(
        self,
        path: str,
        *,
        handler: Callable[[Call[None]], Reply],
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint: ...

    @overload
    def post(
        self,
        path: str,
        *,
        handler: Callable[[Call[BodyT]], Reply],
        body: type[BodyT],
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint: ...

    @overload
    def post(
        self,
        path: str,
        *,
        handler: Callable[[Call[BodyT | None]], Reply],
        optional_body: type[BodyT],
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint: ...

    def post(
        self,
        path: str,
        *,
        handler: Callable[[Call[Any]], Reply],
        body: type | None = None,
        optional_body: type | None = None,
        name: str,
        summary: str,
        role: Role | None = None,
        **options: Unpack[RouteOptions],
    ) -> Endpoint:
        """`optional_body`: the body may be left out, and the handler then gets None."""
        if body is not None and optional_body is not None:
            raise ValueError(f"{path}: declare body or optional_body, not both")
        declared = body if optional_body is None else optional_body
        optional = optional_body is not None
        return self._endpoint(
            method="POST",
            path=path,
            handler=handler,
            body=declared,
            body_optional=optional,
            name=name,
            summary=summary,
            role=role,
            options=options,
        )

    def _endpoint(
        self,
        *,
        method: str,
        path: str,
        handler: Callable[[Call[Any]], Reply],
        body: type | None,
        body_optional: bool,
        name: str,
        summary: str,
        role: Role | None,
        options: RouteOptions,
    ) -> Endpoint:
        full_path = self.prefix + path
        if self.org_scoped and role is None:
            raise ValueError(f"{full_path}: a route under the organization needs a role")
        if not self.org_scoped and role is not None:
            raise ValueError(f"{full_path}: only routes under the organization take a role")
        if "location" in options:
            options["location"] = self.prefix + options["location"]
        return Endpoint(
            method=method,
            path=full_path,
            handler=handler,
            operation_id=name,
            summary=summary,
            tag=self.tag,
            access=self.access,
            body=body,
            body_optional=body_optional,
            org_role=role,
            converter=self.converter,
            admits=self.admits,
            **options,
        )
