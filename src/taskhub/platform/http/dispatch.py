"""Mounting declared endpoints on Falcon.

Each path becomes one resource whose responders run the same pipeline: authenticate,
read the body within the size limit, insist on JSON, structure it strictly, call the
handler, write the reply. Handlers never see Falcon.
"""

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import cattrs
import falcon

from taskhub.platform.http.authentication import Authenticator, bearer_credential
from taskhub.platform.http.converter import structure
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.media import JSONDecodeError, dumps, loads
from taskhub.platform.http.problems import BadRequest, PayloadTooLarge, UnsupportedMediaType
from taskhub.shared_kernel.errors import Unauthenticated

_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json\s*(?:;.*)?$", re.IGNORECASE)


def _read_body(req: falcon.Request, max_bytes: int) -> bytes:
    length = req.content_length
    if length is not None and length > max_bytes:
        raise PayloadTooLarge(f"The request body is larger than {max_bytes} bytes.")
    data: bytes = req.bounded_stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The request body is larger than {max_bytes} bytes.")
    return data


class EndpointResource:
    """One Falcon resource for one path; responders are attached per declared method."""

    def __init__(
        self,
        endpoints: Sequence[Endpoint],
        *,
        converter: cattrs.Converter,
        authenticator: Authenticator,
        max_body_bytes: int,
    ) -> None:
        self._converter = converter
        self._authenticator = authenticator
        self._max_body_bytes = max_body_bytes
        for endpoint in endpoints:
            setattr(self, f"on_{endpoint.method.lower()}", self._responder(endpoint))

    def _responder(self, endpoint: Endpoint) -> Any:
        def respond(req: falcon.Request, resp: falcon.Response, **params: Any) -> None:
            self._handle(endpoint, req, resp, params)

        return respond

    def _handle(
        self, endpoint: Endpoint, req: falcon.Request, resp: falcon.Response, params: dict[str, Any]
    ) -> None:
        principal = None
        if endpoint.access is not Access.PUBLIC:
            principal = self._authenticator.authenticate(bearer_credential(req.auth))
            if endpoint.access is Access.USER and not principal.is_user:
                raise Unauthenticated(
                    "API keys cannot be used here; sign in as a user.", code="user_required"
                )
            req.context.principal = principal
        body = self._parse_body(endpoint, req)
        call = Call(
            body=body,
            params=params,
            query=_query(req),
            headers={k.lower(): v for k, v in req.headers.items()},
            cookies=dict(req.cookies),
            principal=principal,
            origin=req.context.origin,
        )
        reply = endpoint.handler(call)
        self._write(reply, resp)

    def _parse_body(self, endpoint: Endpoint, req: falcon.Request) -> Any:
        if endpoint.body is None:
            return None
        data = _read_body(req, self._max_body_bytes)
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
        return structure(self._converter, document, endpoint.body)

    def _write(self, reply: Reply, resp: falcon.Response) -> None:
        resp.status = reply.status
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
        if reply.body is None:
            return
        if isinstance(reply.body, bytes | str):
            resp.content_type = reply.media_type
            resp.data = reply.body.encode() if isinstance(reply.body, str) else reply.body
            return
        resp.content_type = reply.media_type
        resp.data = dumps(self._converter.unstructure(reply.body))


def _query(req: falcon.Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in req.params.items():
        out[key] = value if isinstance(value, list) else [value]
    return out


def mount(
    app: falcon.App[falcon.Request, falcon.Response],
    endpoints: Sequence[Endpoint],
    *,
    converter: cattrs.Converter,
    authenticator: Authenticator,
    max_body_bytes: int,
) -> None:
    by_path: dict[str, list[Endpoint]] = defaultdict(list)
    for endpoint in endpoints:
        by_path[endpoint.path].append(endpoint)
    for path, group in by_path.items():
        methods = [e.method for e in group]
        if len(methods) != len(set(methods)):
            raise ValueError(f"{path} declares a method twice: {methods}")
        app.add_route(
            path,
            EndpointResource(
                group,
                converter=converter,
                authenticator=authenticator,
                max_body_bytes=max_body_bytes,
            ),
        )
