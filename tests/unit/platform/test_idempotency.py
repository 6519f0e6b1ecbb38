"""What the idempotency pieces promise without a database: which requests take a key,
which keys are valid, what a fingerprint tells apart, and how a response is kept."""

import uuid

import falcon
import pytest
import sqlalchemy as sa
from falcon import testing

from taskhub.platform.http.dispatch import principal_scope
from taskhub.platform.http.endpoints import Access, Call, Endpoint, Reply
from taskhub.platform.http.idempotency import (
    IdempotencyGuard,
    IdempotentRequest,
    InvalidIdempotencyKey,
    StoredResponse,
    takes_idempotency_key,
    valid_key,
)
from taskhub.shared_kernel.principal import Principal, PrincipalKind

USER_ID = uuid.UUID("00000000-0000-0000-0000-000000000001")
KEY_ID = uuid.UUID("00000000-0000-0000-0000-000000000002")


def endpoint(method: str = "POST", access: Access = Access.USER) -> Endpoint:
    def handler(call: Call) -> Reply:
        return Reply()

    return Endpoint(method, "/things", handler, "op", "Op", "tag", access)


def guard(secret: str = "s" * 32) -> IdempotencyGuard:
    return IdempotencyGuard(sa.create_engine("sqlite://"), secret)  # never connects here


def request(
    method: str = "POST", path: str = "/things", body: bytes = b'{"a": 1}'
) -> IdempotentRequest:
    return IdempotentRequest(principal="user:1", key="k", method=method, path=path, body=body)


@pytest.mark.parametrize(
    ("method", "access", "expected"),
    [
        ("POST", Access.USER, True),
        ("POST", Access.PRINCIPAL, True),
        ("POST", Access.PUBLIC, False),
        ("PATCH", Access.USER, False),
        ("PUT", Access.PRINCIPAL, False),
        ("DELETE", Access.USER, False),
        ("GET", Access.USER, False),
    ],
)
def test_only_authenticated_posts_take_a_key(method: str, access: Access, expected: bool) -> None:
    assert takes_idempotency_key(endpoint(method, access)) is expected


@pytest.mark.parametrize("key", ["a", "x" * 255, "8e03978e-40d5-43e8-bc93-6894a57f9324", "a b"])
def test_valid_keys(key: str) -> None:
    assert valid_key(key)


@pytest.mark.parametrize("key", ["", "x" * 256, " ", "tab\there", "new\nline", "nul\x00"])
def test_invalid_keys(key: str) -> None:
    assert not valid_key(key)


def test_principals_are_scoped_by_kind() -> None:
    user = Principal(kind=PrincipalKind.USER, user_id=USER_ID)
    api_key = Principal(kind=PrincipalKind.API_KEY, user_id=USER_ID, api_key_id=KEY_ID)
    assert principal_scope(user) == f"user:{USER_ID}"
    assert principal_scope(api_key) == f"key:{KEY_ID}"


def test_the_fingerprint_tells_method_path_and_body_apart() -> None:
    fingerprint = guard().fingerprint
    base = fingerprint(request())
    assert base == fingerprint(request())
    assert len(base) == 64
    others = {
        fingerprint(request(method="PUT")),
        fingerprint(request(path="/things/1")),
        fingerprint(request(body=b'{"a":1}')),
        fingerprint(request(body=b"")),
        # The boundary between path and body cannot move unnoticed.
        fingerprint(request(path="/things/", body=b'"a": 1}')),
    }
    assert base not in others
    assert len(others) == 5


def test_the_fingerprint_is_keyed_so_a_body_cannot_be_guessed_from_it() -> None:
    assert guard("one" * 11).fingerprint(request()) != guard("two" * 11).fingerprint(request())


def _falcon_request(headers: dict[str, str]) -> falcon.Request:
    return falcon.Request(testing.create_environ(path="/things", method="POST", headers=headers))


def test_a_request_without_the_header_or_a_principal_takes_no_key() -> None:
    with_key = _falcon_request({"Idempotency-Key": "k"})
    assert IdempotentRequest.from_http(_falcon_request({}), endpoint(), "user:1", b"") is None
    assert IdempotentRequest.from_http(with_key, endpoint(), None, b"") is None
    public = endpoint(access=Access.PUBLIC)
    assert IdempotentRequest.from_http(with_key, public, "user:1", b"") is None


def test_a_request_with_the_header_is_keyed_by_principal_and_path() -> None:
    req = _falcon_request({"Idempotency-Key": "abc"})
    keyed = IdempotentRequest.from_http(req, endpoint(), "key:9", b"{}")
    assert keyed == IdempotentRequest(
        principal="key:9", key="abc", method="POST", path="/things", body=b"{}"
    )


def test_an_invalid_header_is_refused() -> None:
    req = _falcon_request({"Idempotency-Key": "x" * 256})
    with pytest.raises(InvalidIdempotencyKey) as raised:
        IdempotentRequest.from_http(req, endpoint(), "user:1", b"")
    assert raised.value.status == 400
    assert raised.value.code == "invalid_idempotency_key"


def test_a_response_keeps_its_status_body_and_descriptive_headers_only() -> None:
    resp = falcon.Response()
    resp.status = 201
    resp.content_type = "application/json"
    resp.etag = '"1"'
    resp.location = "/things/1"
    resp.append_header("Link", '</things?cursor=x>; rel="next"')
    resp.set_header("RateLimit", '"api";r=9;t=30')
    resp.set_header("X-Request-ID", "abc")
    resp.data = b'{"id": 1}'
    stored = StoredResponse.of(resp)
    assert stored.status == 201
    assert stored.body == b'{"id": 1}'
    assert stored.headers == {
        "Content-Type": "application/json",
        "ETag": '"1"',
        "Location": "/things/1",
        "Link": '</things?cursor=x>; rel="next"',
    }

    replayed = falcon.Response()
    stored.replay_to(replayed)
    assert replayed.status_code == 201
    assert replayed.data == b'{"id": 1}'
    assert replayed.etag == '"1"'
    assert replayed.location == "/things/1"
    assert replayed.get_header("Idempotent-Replayed") == "true"
    assert replayed.get_header("RateLimit") is None


def test_a_response_without_a_body_is_kept_without_one() -> None:
    resp = falcon.Response()
    resp.status = 204
    stored = StoredResponse.of(resp)
    assert stored.body is None
    replayed = falcon.Response()
    stored.replay_to(replayed)
    assert replayed.status_code == 204
    assert replayed.data is None
