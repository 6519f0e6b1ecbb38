"""Mounting declared endpoints on Falcon.

Each path becomes one resource whose responders run the same pipeline: authenticate,
resolve the caller's role in the path's organization, read the body within the size
limit, insist on JSON, structure it strictly, call the handler (once per idempotency
key), write the reply (with ETag, conditional GET and cursor links). Handlers never see
Falcon.
"""

import dataclasses
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import cattrs
import falcon
import structlog
from sqlalchemy.engine import Engine

from taskhub.platform.acting import bind_acting
from taskhub.platform.connection_scope import connection_scope
from taskhub.platform.http.authentication import Authenticator, bearer_credential
from taskhub.platform.http.authorization import OrgAccess
from taskhub.platform.http.binary_replies import BinaryContent, write_binary
from taskhub.platform.http.converter import structure
from taskhub.platform.http.cursors import CursorCodec
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.hand_off import HAND_OFF, no_stream
from taskhub.platform.http.idempotency import IdempotencyGuard, IdempotentRequest, StoredResponse
from taskhub.platform.http.list_replies import next_link, page_document, page_request
from taskhub.platform.http.locations import created_location
from taskhub.platform.http.media import JSONDecodeError, dumps, dumps_records, loads
from taskhub.platform.http.path_references import KeyReference, KeyResolver
from taskhub.platform.http.problems import (
    PROBLEM_JSON,
    BadRequest,
    TooManyRequests,
    UnsupportedMediaType,
    problem_body,
)
from taskhub.platform.http.query import read_query
from taskhub.platform.http.request_body import read_body
from taskhub.platform.http.streamed_bodies import (
    STREAMED_BODIES,
    MultipartFile,
    read_streamed_body,
)
from taskhub.platform.rate_limit import RateLimiter, rate_limit_headers
from taskhub.platform.settings import RateLimit
from taskhub.shared_kernel.acting import Acting, ActorType
from taskhub.shared_kernel.errors import (
    NotFound,
    PermissionDenied,
    PreconditionFailed,
)
from taskhub.shared_kernel.pagination import Page, PageRequest
from taskhub.shared_kernel.principal import Actor, Principal

_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json\s*(?:;.*)?$", re.IGNORECASE)
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')
_SAFE = frozenset({"GET", "HEAD"})
log = structlog.get_logger("taskhub.http")


@attrs.frozen
class Pipeline:
    """What every endpoint resource shares."""

    converter: cattrs.Converter
    engine: Engine
    authenticator: Authenticator
    org_access: OrgAccess
    cursors: CursorCodec
    max_body_bytes: int
    max_upload_bytes: int
    limiter: RateLimiter
    auth_limit: RateLimit
    api_limit: RateLimit
    idempotency: IdempotencyGuard
    key_resolvers: Mapping[str, KeyResolver] = attrs.field(factory=dict)
    """Per path parameter kind (`task`), what turns a key into the id."""


def _withheld(req: falcon.Request) -> StoredResponse:
    """What a retry of a request whose response held a one-time secret gets instead."""
    body = problem_body(
        409,
        detail="A request with this Idempotency-Key already succeeded; its response held a "
        "secret that is shown only once, so it is not replayed. List the resources to find "
        "what it created.",
        code="idempotent_response_withheld",
        request_id=getattr(req.context, "request_id", None),
    )
    return StoredResponse(status=409, headers={"Content-Type": PROBLEM_JSON}, body=dumps(body))


def principal_scope(principal: Principal) -> str:
    """Whose budget and whose idempotency keys: an API key is a principal of its own."""
    if principal.api_key_id:
        return f"key:{principal.api_key_id}"
    return f"user:{principal.user_id}"


def _etag_version(header: str | None) -> int | None:
    match = _ETAG.match(header) if header else None
    return int(match.group(1)) if match else None


def _if_match(req: falcon.Request) -> int | None:
    header = req.get_header("If-Match")
    if header is None or header.strip() == "*":
        return None
    version = _etag_version(header)
    if version is None:
        raise PreconditionFailed('If-Match must be an ETag this API issued, such as "3".')
    return version


class EndpointResource:
    """One Falcon resource for one path; responders are attached per declared method."""

    def __init__(self, endpoints: Sequence[Endpoint], pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        for endpoint in endpoints:
            setattr(self, f"on_{endpoint.method.lower()}", self._responder(endpoint))
            if endpoint.method == "GET":
                # HEAD is the GET with its body left out (Falcon drops it), headers and all.
                self.on_head = self._responder(endpoint)

    def _responder(self, endpoint: Endpoint) -> Any:
        def respond(req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
            with connection_scope(self._pipeline.engine):
                self._handle(endpoint, req, resp, params)

        return respond

    def _credential(self, endpoint: Endpoint, req: falcon.Request, params: dict[str, Any]) -> str:
        """The Authorization header's credential, or what the route's query credential
        (a WebSocket ticket) stands for when there is no header."""
        by_query = endpoint.query_credential
        if req.auth is None and by_query is not None:
            value = req.get_param(by_query.name)
            if value:
                return by_query.redeem(value, params["org_id"])
        return bearer_credential(req.auth)

    def _authenticate(
        self, endpoint: Endpoint, req: falcon.Request, params: dict[str, Any]
    ) -> Principal | None:
        if endpoint.access is Access.PUBLIC:
            return None
        credential = self._credential(endpoint, req, params)
        principal = self._pipeline.authenticator.authenticate(credential)
        req.context.credential = credential
        if endpoint.admits is not None and not endpoint.admits(principal):
            raise NotFound("Not found.")
        req.context.principal = principal
        origin = req.context.origin
        bind_acting(
            Acting(
                actor_type=ActorType.USER if principal.is_user else ActorType.API_KEY,
                actor_id=principal.user_id if principal.is_user else principal.api_key_id,
                ip=origin.ip,
                user_agent=origin.user_agent,
                request_id=origin.request_id,
            )
        )
        if endpoint.access is Access.USER and not principal.is_user:
            raise PermissionDenied(
                "API keys cannot be used here; sign in as a user.", code="api_key_not_allowed"
            )
        return principal

    def _actor(
        self, endpoint: Endpoint, principal: Principal | None, params: dict[str, Any]
    ) -> Actor | None:
        if endpoint.org_role is None or principal is None:
            return None
        org_id = params["org_id"]
        role = self._pipeline.org_access.role_in(principal, org_id)
        if role is None:
            raise NotFound("The organization was not found.")
        if not role.at_least(endpoint.org_role):
            raise PermissionDenied(f"This needs the {endpoint.org_role} role or above.")
        return Actor(principal=principal, org_id=org_id, role=role)

    def _handle(
        self, endpoint: Endpoint, req: falcon.Request, resp: falcon.Response, params: dict[str, Any]
    ) -> None:
        if endpoint.limited_per_client_ip:
            self._limit(resp, "auth", f"ip:{req.context.origin.ip}", self._pipeline.auth_limit)
        principal = self._authenticate(endpoint, req, params)
        who = principal_scope(principal) if principal is not None else None
        if who is not None and not endpoint.limited_per_client_ip:
            self._limit(resp, "api", who, self._pipeline.api_limit)
        actor = self._actor(endpoint, principal, params)
        params = self._resolve_keys(params, actor)
        query = read_query(req.query_string, endpoint.query_params)
        page = page_request(query, self._pipeline.cursors) if endpoint.paginated else PageRequest()
        streamed = endpoint.body in STREAMED_BODIES
        max_bytes = self._pipeline.max_body_bytes
        raw_body = read_body(req, max_bytes) if endpoint.body and not streamed else b""
        call = Call(
            body=(
                read_streamed_body(endpoint.body, req, self._pipeline.max_upload_bytes)
                if streamed and endpoint.body is not None
                else self._parse_body(endpoint, req, raw_body)
            ),
            params=params,
            query=query,
            headers={k.lower(): v for k, v in req.headers.items()},
            cookies=dict(req.cookies),
            principal=principal,
            origin=req.context.origin,
            actor=actor,
            page=page,
            if_match=_if_match(req) if req.method in ("PATCH", "PUT", "DELETE") else None,
            credential=getattr(req.context, "credential", None),
            hand_off=no_stream if req.method == "HEAD" else req.env.get(HAND_OFF),
        )
        keyed = IdempotentRequest.from_http(req, endpoint, who, raw_body)
        if keyed is None:
            self._write(endpoint, endpoint.handler(call), req, resp, call)
        else:
            self._handle_once(keyed, endpoint, call, req, resp)
        if isinstance(call.body, MultipartFile):
            call.body.drain()

    def _resolve_keys(self, params: dict[str, Any], actor: Actor | None) -> dict[str, Any]:
        """Path keys (ENG-42) become ids, in the caller's organization only."""
        keyed = {n: v for n, v in params.items() if isinstance(v, KeyReference)}
        if not keyed:
            return params
        resolved = dict(params)
        for name, reference in keyed.items():
            resolver = self._pipeline.key_resolvers.get(reference.kind)
            found = (
                resolver.id_for_key(actor.org_id, reference.prefix, reference.number)
                if resolver is not None and actor is not None
                else None
            )
            if found is None:
                raise NotFound(f"The {reference.kind} was not found.")
            resolved[name] = found
        return resolved

    def _handle_once(
        self,
        keyed: IdempotentRequest,
        endpoint: Endpoint,
        call: Call[Any],
        req: falcon.Request,
        resp: falcon.Response,
    ) -> None:
        """Run the handler under a claimed key, or replay what the first request got."""
        guard = self._pipeline.idempotency
        outcome = guard.begin(keyed)
        if isinstance(outcome, StoredResponse):
            outcome.replay_to(resp)
            return
        try:
            self._write(endpoint, endpoint.handler(call), req, resp, call)
        except BaseException:
            guard.abandon(outcome)
            raise
        if endpoint.secret_in_response and 200 <= resp.status_code < 300:
            guard.complete(outcome, _withheld(req), succeeded=True)
        else:
            guard.complete(outcome, StoredResponse.of(resp))

    def _limit(self, resp: falcon.Response, policy: str, who: str, limit: RateLimit) -> None:
        """Count the request; the headers go on every response, errors included."""
        decision = self._pipeline.limiter.hit(f"{policy}:{who}", limit)
        for name, value in rate_limit_headers(policy, limit, decision).items():
            resp.set_header(name, value)
        if not decision.allowed:
            raise TooManyRequests(f"Too many requests; retry in {decision.reset_after} s.")

    def _converter(self, endpoint: Endpoint) -> cattrs.Converter:
        converter: cattrs.Converter = endpoint.converter or self._pipeline.converter
        return converter

    def _parse_body(self, endpoint: Endpoint, req: falcon.Request, data: bytes) -> Any:
        if endpoint.body is None:
            return None
        if not data.strip():
            if endpoint.body_optional:
                return None
            raise BadRequest("A JSON request body is required.")
        if not req.content_type or not _JSON_TYPE.match(req.content_type):
            raise UnsupportedMediaType("Send the body as application/json.")
        try:
            document = loads(data)
        except JSONDecodeError:
            raise BadRequest("The request body is not valid JSON.") from None
        return structure(self._converter(endpoint), document, endpoint.body)

    def _write(
        self,
        endpoint: Endpoint,
        reply: Reply,
        req: falcon.Request,
        resp: falcon.Response,
        call: Call[Any],
    ) -> None:
        resp.status = reply.status
        template = endpoint.location_template
        if reply.status == 201 and template is not None:
            try:
                resp.location = created_location(template, call.params, reply.body)
            except KeyError as exc:
                # A route whose template does not fit its body (the test over every 201
                # route catches it): the resource was created, so it still answers 201.
                log.error("location_not_filled", route=endpoint.operation_id, error=str(exc))
        for name, value in reply.headers.items():
            resp.set_header(name, value)
        for cookie in reply.cookies:
            resp.set_cookie(
                cookie.name,
                cookie.value,
                max_age=cookie.max_age,
                path=cookie.path,
                secure=cookie.secure,
                http_only=cookie.http_only,
                same_site=cookie.same_site,
            )
        body = reply.body
        if body is None:
            return
        if isinstance(body, BinaryContent):
            write_binary(req, resp, body)
            return
        if isinstance(body, bytes | str):
            resp.content_type = reply.media_type
            resp.data = body.encode() if isinstance(body, str) else body
            return
        version = getattr(body, "version", None)
        if isinstance(version, int):
            resp.etag = f'"{version}"'
            if req.method in _SAFE and _etag_version(req.get_header("If-None-Match")) == version:
                resp.status = 304
                return
        converter = self._converter(endpoint)
        if isinstance(body, Page):
            # An empty position is a position (see PageRequest.after): only None ends the list.
            next_cursor = (
                self._pipeline.cursors.encode(body.next_after)
                if body.next_after is not None
                else None
            )
            if next_cursor:
                resp.append_header("Link", next_link(req, next_cursor))
            items = body.items
            # A read model's records are shaped for the wire: the encoder writes them.
            records = bool(items) and dataclasses.is_dataclass(items[0])
            if not records:
                items = [converter.unstructure(item) for item in items]
            document = page_document(body, items, next_cursor, call.page.with_total)
            resp.content_type = reply.media_type
            resp.data = dumps_records(document) if records else dumps(document)
            return
        resp.content_type = reply.media_type
        resp.data = dumps(converter.unstructure(body))


def mount(
    app: falcon.App[falcon.Request, falcon.Response],
    endpoints: Sequence[Endpoint],
    pipeline: Pipeline,
) -> None:
    by_path: dict[str, list[Endpoint]] = defaultdict(list)
    for endpoint in endpoints:
        by_path[endpoint.path].append(endpoint)
    for path, group in by_path.items():
        methods = [e.method for e in group]
        if len(methods) != len(set(methods)):
            raise ValueError(f"{path} declares a method twice: {methods}")
        app.add_route(path, EndpointResource(group, pipeline))
